import { randomUUID } from 'node:crypto';
import { Scopes } from '@homeward/auth';
import { AssessmentMethod, CertificateKind, RevocationReason, UnitOutcome } from '@homeward/contracts/skills/v1';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { candidateStream, centreStream, publishSkillsEvents, standardStream, type SkillsMessage } from '@homeward/testing/skills-events';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { namespaceOf } from '@homeward/mission-view/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// Issue 11's acceptance, the agency view's part: a returnee recorded through the registration API, whose
// recognition of prior learning arrives on the real skills topic (messages of the generated contract, as
// the skills service publishes them), shown step by step in the profile, the timeline and the returnee
// pipeline — and an odd message on the topic that stops nothing.

describe('agency view: skills assessments and certificates', () => {
  let registry: RegistrationHarness;
  let view: AgencyViewHarness;
  let ns: string;
  let token = '';
  let missionToken = '';
  const area = 'PH-01';

  beforeAll(async () => {
    registry = await startHarness('agency_skills_registry');
    const issuer = await testIssuer();
    ns = namespaceOf(registry.runtime.topic);
    view = await startAgencyViewHarness(ns, issuer);
    token = await issuer.token({ organisationId: 'ph-tesda', kind: 'agency', scopes: [Scopes.workersRead] });
    missionToken = await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' });
  });
  afterAll(async () => {
    await view?.stop();
    await registry?.stop();
  });

  async function post(path: string, body: unknown, as = registry.tokens.agency) {
    const response = await registry.call('POST', path, body, as);
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response;
  }

  /** A worker of this file's area who left for SA and came home on 2024-06-30. */
  async function returnee(): Promise<string> {
    const id = (await post('/workers', { ...aWorker(), originArea: area })).body!.workerId as string;
    await post(`/workers/${id}/departures`, departure);
    await post(`/workers/${id}/returns`, homecoming, registry.tokens.missionSA);
    return id;
  }

  const publish = (...messages: SkillsMessage[]) => publishSkillsEvents(view.runtime.kafka, ns, messages);

  /** Waits until the registry has published everything and the view has applied every topic to its end. */
  const caughtUp = async () => {
    await registry.published();
    await eventually(
      () => view.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
  };

  const get = async (path: string) => {
    const response = await view.call('GET', path, token);
    expect(response.status).toBe(200);
    return response.body;
  };
  const pipeline = (extra = '') => get(`/returnees?returnedFrom=2024-06-01&returnedTo=2024-07-31&originArea=${area}${extra}`);

  it('shows each step of the recognition of prior learning, and the pipeline gains "certified"', async () => {
    const worker = await returnee();
    const waiting = await returnee();
    const c = candidateStream(worker);
    const assessmentId = randomUUID();
    const reassessmentId = randomUUID();
    const referralId = randomUUID();
    const standard = standardStream('PH-CARE-NC2').event('2024-01-15', {
      case: 'competencyStandardPublished',
      value: {
        standardId: 'PH-CARE-NC2',
        version: 1,
        title: 'Caregiving NC II',
        occupationIsco: '5322',
        level: 2,
        units: [
          { code: 'CARE-01', title: 'Provide care and support to infants and toddlers' },
          { code: 'CARE-02', title: 'Provide care and support to the elderly' },
        ],
        effectiveFrom: '2024-01-15',
        publishedOn: '2024-01-15',
      },
    });
    const centre = centreStream('C-PH01-02').event('2024-02-01', {
      case: 'assessmentCentreRegistered',
      value: { centreId: 'C-PH01-02', name: 'Ilocos Assessment Centre', subdivision: 'PH-01', registeredOn: '2024-02-01' },
    });
    await publish(
      standard,
      centre,
      c.event('2024-08-01', {
        case: 'counsellingRecorded',
        value: { workerId: worker, counsellingId: randomUUID(), counselledOn: '2024-08-01' },
      }),
      c.event('2024-09-10', {
        case: 'assessmentRecorded',
        value: {
          workerId: worker,
          assessmentId,
          standardId: 'PH-CARE-NC2',
          standardVersion: 1,
          centreId: 'C-PH01-02',
          assessorId: 'ASR-3',
          assessedOn: '2024-09-10',
          method: AssessmentMethod.OBSERVATION,
          results: [
            { unitCode: 'CARE-01', outcome: UnitOutcome.COMPETENT },
            { unitCode: 'CARE-02', outcome: UnitOutcome.NOT_YET_COMPETENT },
          ],
          sealedRemarks: { keyId: 'k', nonce: new Uint8Array(12), ciphertext: new Uint8Array(40) },
        },
      }),
    );
    await caughtUp();

    // Assessed, some units not yet competent: not certified yet.
    let profile = await get(`/workers/${worker}`);
    expect(profile.skills).toEqual({
      assessments: [
        {
          assessmentId,
          reassessment: false,
          standardId: 'PH-CARE-NC2',
          standardVersion: 1,
          standardTitle: 'Caregiving NC II',
          occupationIsco: '5322',
          centreId: 'C-PH01-02',
          centreName: 'Ilocos Assessment Centre',
          assessorId: 'ASR-3',
          assessedOn: '2024-09-10',
          method: 'observation',
          unitsCompetent: ['CARE-01'],
          unitsNotYetCompetent: ['CARE-02'],
        },
      ],
      gapTraining: [],
      certificates: [],
    });
    expect(JSON.stringify(profile)).not.toContain('sealed');
    expect((await pipeline()).items.map((r: any) => [r.workerId, r.skillsAssessedOn, r.certifiedOn])).toEqual([
      [worker, '2024-09-10', undefined],
      [waiting, undefined, undefined],
    ]);

    // A certificate of competency, an odd message on the topic, gap training, reassessment, the full qualification.
    await publish(
      c.event('2024-09-12', {
        case: 'certificateIssued',
        value: {
          workerId: worker,
          certificateNumber: 'PH-CARE-2024-0001',
          kind: CertificateKind.CERTIFICATE_OF_COMPETENCY,
          standardId: 'PH-CARE-NC2',
          standardVersion: 1,
          unitCodes: ['CARE-01'],
          issuingBody: 'TESDA',
          issuedOn: '2024-09-12',
          expiresOn: '2029-09-11',
        },
      }),
      { event: c.event('2024-09-12', { case: undefined }).event, key: `candidate-${worker}`, value: Buffer.from('not a SkillsEvent') },
      // Well-formed, but with ids the view cannot store (no uuid): it fails on its own, alone. A message
      // of a type newer than the code follows it in its stream: @homeward/messaging's ConsumerRunner does
      // not checkpoint a message it dead-letters after it failed to apply when it is the last of its
      // partition (the lag stays at 1 and a restart dead-letters it again) — reported, not fixed here.
      ...(() => {
        const odd = candidateStream('not-a-worker-id');
        return [
          odd.event('2024-09-12', {
            case: 'assessmentRecorded',
            value: {
              workerId: 'not-a-worker-id',
              assessmentId: 'not-an-assessment-id',
              standardId: 'PH-CARE-NC2',
              assessedOn: '2024-09-12',
            },
          }),
          odd.event('2024-09-12', { case: undefined }),
        ];
      })(),
      c.event('2024-09-13', {
        case: 'gapTrainingReferred',
        value: {
          workerId: worker,
          referralId,
          standardId: 'PH-CARE-NC2',
          unitCodes: ['CARE-02'],
          provider: 'TESDA Ilocos',
          referredOn: '2024-09-13',
        },
      }),
    );
    await caughtUp();
    profile = await get(`/workers/${worker}`);
    expect(profile.skills.certificates).toEqual([
      expect.objectContaining({ certificateNumber: 'PH-CARE-2024-0001', kind: 'certificate_of_competency', status: 'active' }),
    ]);
    expect(profile.skills.gapTraining).toEqual([
      { referralId, standardId: 'PH-CARE-NC2', unitCodes: ['CARE-02'], provider: 'TESDA Ilocos', referredOn: '2024-09-13' },
    ]);
    expect((await pipeline('&certified=true')).items.map((r: any) => [r.workerId, r.certifiedOn])).toEqual([[worker, '2024-09-12']]);
    expect((await pipeline('&certified=false')).items.map((r: any) => r.workerId)).toEqual([waiting]);
    // The two odd messages went to the view's dead-letter topic; the messages after them were applied.
    const admin = view.runtime.kafka.admin();
    await admin.connect();
    const dlq = await admin.fetchTopicOffsets(`${ns}homeward.agency-view.dlq.v1`).finally(() => admin.disconnect());
    expect(dlq.reduce((n, p) => n + Number(p.high), 0)).toBe(2);

    await publish(
      c.event('2024-11-20', { case: 'gapTrainingCompleted', value: { workerId: worker, referralId, completedOn: '2024-11-20' } }),
      c.event('2024-12-01', {
        case: 'reassessmentRecorded',
        value: {
          workerId: worker,
          assessmentId: reassessmentId,
          standardId: 'PH-CARE-NC2',
          standardVersion: 1,
          centreId: 'C-PH01-02',
          assessorId: 'ASR-3',
          assessedOn: '2024-12-01',
          method: AssessmentMethod.TEST,
          results: [{ unitCode: 'CARE-02', outcome: UnitOutcome.COMPETENT }],
        },
      }),
      c.event('2024-12-03', {
        case: 'certificateIssued',
        value: {
          workerId: worker,
          certificateNumber: 'PH-CARE-2024-0002',
          kind: CertificateKind.FULL_QUALIFICATION,
          standardId: 'PH-CARE-NC2',
          standardVersion: 1,
          unitCodes: ['CARE-01', 'CARE-02'],
          issuingBody: 'TESDA',
          issuedOn: '2024-12-03',
          expiresOn: '2029-12-02',
        },
      }),
      c.event('2024-12-03', {
        case: 'certificateSuperseded',
        value: { workerId: worker, certificateNumber: 'PH-CARE-2024-0001', supersededBy: 'PH-CARE-2024-0002', supersededOn: '2024-12-03' },
      }),
    );
    await caughtUp();
    profile = await get(`/workers/${worker}`);
    expect(profile.skills.assessments.map((a: any) => [a.reassessment, a.unitsCompetent, a.unitsNotYetCompetent])).toEqual([
      [false, ['CARE-01'], ['CARE-02']],
      [true, ['CARE-02'], []],
    ]);
    expect(profile.skills.gapTraining[0].completedOn).toBe('2024-11-20');
    expect(profile.skills.certificates.map((k: any) => [k.certificateNumber, k.kind, k.status, k.supersededBy])).toEqual([
      ['PH-CARE-2024-0001', 'certificate_of_competency', 'superseded', 'PH-CARE-2024-0002'],
      ['PH-CARE-2024-0002', 'full_qualification', 'active', undefined],
    ]);

    // One certificate revoked: the full qualification.
    await publish(
      c.event('2025-02-01', {
        case: 'certificateRevoked',
        value: {
          workerId: worker,
          certificateNumber: 'PH-CARE-2024-0002',
          revokedOn: '2025-02-01',
          reason: RevocationReason.FRAUD_OR_MISREPRESENTATION,
        },
      }),
    );
    await caughtUp();
    profile = await get(`/workers/${worker}`);
    expect(profile.skills.certificates[1]).toMatchObject({
      certificateNumber: 'PH-CARE-2024-0002',
      status: 'revoked',
      statusOn: '2025-02-01',
      statusReason: 'fraud_or_misrepresentation',
    });

    // The timeline holds every step, after registration's.
    const timeline = await get(`/workers/${worker}/timeline`);
    expect(timeline.items.filter((e: any) => e.source === 'skills').map((e: any) => [e.type, e.occurredOn])).toEqual([
      ['CounsellingRecorded', '2024-08-01'],
      ['AssessmentRecorded', '2024-09-10'],
      ['CertificateIssued', '2024-09-12'],
      ['GapTrainingReferred', '2024-09-13'],
      ['GapTrainingCompleted', '2024-11-20'],
      ['AssessmentRecorded', '2024-12-01'],
      ['CertificateIssued', '2024-12-03'],
      ['CertificateStatusChanged', '2024-12-03'],
      ['CertificateStatusChanged', '2025-02-01'],
    ]);
  });

  it('shows a certificate past its expiry date as expired, and it no longer certifies', async () => {
    const worker = await returnee();
    const c = candidateStream(worker);
    await publish(
      c.event('2024-07-10', {
        case: 'certificateIssued',
        value: {
          workerId: worker,
          certificateNumber: `PH-OLD-${worker.slice(0, 8)}`,
          kind: CertificateKind.FULL_QUALIFICATION,
          standardId: 'PH-CARE-NC2',
          standardVersion: 1,
          unitCodes: ['CARE-01', 'CARE-02'],
          issuingBody: 'TESDA',
          issuedOn: '2024-07-10',
          expiresOn: '2025-07-09',
        },
      }),
    );
    await caughtUp();
    const profile = await get(`/workers/${worker}`);
    expect(profile.skills.certificates).toEqual([expect.objectContaining({ status: 'expired', expiresOn: '2025-07-09' })]);
    expect((await pipeline('&certified=true')).items.map((r: any) => r.workerId)).not.toContain(worker);
  });

  it('is for agencies: a mission gets 403 for a profile with skills, as for any profile', async () => {
    const worker = await returnee();
    await caughtUp();
    const refused = await view.call('GET', `/workers/${worker}`, missionToken);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('access.kind-not-allowed');
  });
});
