/**
 * The facts the matching engine folds, in its own terms: what registration, skills-certification and this
 * service said about a seeker, a competency standard or a vacancy. The messaging layer maps the topics'
 * messages to these; the domain imports no generated type.
 *
 * Sex is deliberately absent: no fact the scoring folds can carry it. The fairness audit reads it from a
 * table of its own, beside and never inside the scoring input (see fairness.ts).
 */
export type MatchingFact =
  | { type: 'WorkerRegistered'; eventId: string; workerId: string; originArea: string; languages: readonly string[] }
  | {
      type: 'WorkerDetailsCorrected';
      eventId: string;
      workerId: string;
      originArea?: string;
      languages?: readonly string[];
    }
  | {
      type: 'DepartureRecorded';
      eventId: string;
      workerId: string;
      cycleNumber: number;
      occupationIsco: string;
      /** The contract's start, used when no arrival was posted. */
      contractStart: string;
      departedOn: string;
    }
  | { type: 'ArrivalRecorded'; eventId: string; workerId: string; cycleNumber: number; arrivedOn: string }
  | { type: 'EmploymentChanged'; eventId: string; workerId: string; cycleNumber: number; changedOn: string; occupationIsco?: string }
  | { type: 'ReturnRecorded'; eventId: string; workerId: string; cycleNumber: number; returnedOn: string }
  /** Skills claimed for the worker: a mission's SkillsAcquired, or skills-certification's attested skills. */
  | { type: 'SkillsClaimed'; eventId: string; workerId: string; escoUris: readonly string[] }
  | { type: 'PersonalDataErased'; eventId: string; workerId: string }
  | {
      type: 'StandardPublished';
      eventId: string;
      standardId: string;
      version: number;
      occupationIsco: string;
      units: readonly { code: string; escoSkills: readonly string[] }[];
    }
  | {
      type: 'CertificateIssued';
      eventId: string;
      workerId: string;
      certificateNumber: string;
      standardId: string;
      unitCodes: readonly string[];
    }
  | {
      type: 'CertificateStatusChanged';
      eventId: string;
      workerId: string;
      certificateNumber: string;
      change: 'superseded' | 'suspended' | 'reinstated' | 'revoked';
    }
  | { type: 'JobSeekerRegistered'; eventId: string; workerId: string }
  | {
      type: 'JobSeekerPreferencesSet';
      eventId: string;
      workerId: string;
      occupations: readonly string[];
      areas: readonly string[];
      willingToRelocate: boolean;
    }
  | { type: 'JobSeekerLeft'; eventId: string; workerId: string }
  | {
      type: 'VacancyPosted';
      eventId: string;
      vacancyId: string;
      employerId: string;
      occupationIsco: string;
      requiredStandards: readonly string[];
      requiredUnits: readonly { standardId: string; unitCode: string }[];
      experienceMonths: number;
      location: string;
      languages: readonly string[];
    }
  | { type: 'VacancyEnded'; eventId: string; vacancyId: string; how: 'closed' | 'filled' | 'withdrawn' };

export type MatchingFactType = MatchingFact['type'];

/** The facts about one seeker (keyed by workerId). */
export type SeekerFact = Extract<MatchingFact, { workerId: string }>;
