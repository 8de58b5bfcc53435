import { EventStreams } from '@homeward/command-handling/streams';
import type { EventStore } from '@homeward/event-store';
import { referralEventOn, type ReferralEvent } from '../domain/referral/referral.events';
import { evolve as evolveReferral, initialState as noReferral, type ReferralState } from '../domain/referral/referral.state';
import { seekerEventOn, type SeekerEvent } from '../domain/seeker/seeker.events';
import { evolve as evolveSeeker, initialState as noSeeker, type SeekerState } from '../domain/seeker/seeker.state';
import { vacancyEventOn, type VacancyEvent } from '../domain/vacancy/vacancy.events';
import { evolve as evolveVacancy, initialState as noVacancy, type VacancyState } from '../domain/vacancy/vacancy.state';

const day = (date: string) => new Date(`${date}T00:00:00Z`);

/** Vacancies' streams, `vacancy-<vacancyId>`: nothing personal in them. */
export class VacancyStreams extends EventStreams<VacancyEvent, VacancyState> {
  constructor(store: EventStore) {
    super(store, { category: 'vacancy', evolve: evolveVacancy, initialState: noVacancy, occurredAt: (e) => day(vacancyEventOn(e)) });
  }
}

/** Job seekers' streams, `seeker-<workerId>`: the pseudonymous worker id and their wishes, nothing sealed. */
export class SeekerStreams extends EventStreams<SeekerEvent, SeekerState> {
  constructor(store: EventStore) {
    super(store, { category: 'seeker', evolve: evolveSeeker, initialState: noSeeker, occurredAt: (e) => day(seekerEventOn(e)) });
  }
}

/** Referrals' streams, `referral-<referralId>`. */
export class ReferralStreams extends EventStreams<ReferralEvent, ReferralState> {
  constructor(store: EventStore) {
    super(store, { category: 'referral', evolve: evolveReferral, initialState: noReferral, occurredAt: (e) => day(referralEventOn(e)) });
  }
}
