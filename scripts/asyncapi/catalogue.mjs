// What the AsyncAPI generator cannot read from proto/: which topic carries which message, and which service writes
// which topic. Topic names are the ones the code uses (eventsTopic, registrationDirectoryTopic and the consumers'
// dead-letter topics); test/infra checks them against the services' code and infra/k8s's KafkaTopics.

/** CloudEvents 1.0 binary-mode headers of every event (packages/contracts cloudEventHeaders). */
export const EVENT_HEADERS = {
  ce_specversion: { required: true, description: 'CloudEvents spec version: 1.0' },
  ce_id: { required: true, description: "The event id (UUIDv7, the envelope's event_id): consumers deduplicate by it" },
  ce_type: { required: true, description: 'Fully qualified protobuf name of the event, e.g. homeward.registration.v1.WorkerRegistered' },
  ce_source: { required: true, description: 'The publishing service, /homeward/<origin country>/<service>' },
  ce_time: { required: true, description: 'When the event occurred (RFC 3339)' },
  ce_subject: { required: true, description: 'The stream the event belongs to, e.g. worker-<uuid>' },
  'content-type': { required: true, description: 'application/protobuf' },
  ce_dataschema: { required: true, description: 'Fully qualified protobuf name of the value: the topic envelope message' },
};

/** What a consumer adds when it sends a message to its dead-letter topic (packages/messaging consumer.ts). */
export const DEAD_LETTER_HEADERS = {
  dlq_reason: { required: true, description: 'Why the message could not be applied (error name and message)' },
  dlq_consumer: { required: true, description: 'The consumer group that gave up on it' },
  dlq_source_topic: { required: true, description: 'The topic the message was read from' },
  dlq_source_partition: { required: true, description: 'Its partition there' },
  dlq_source_offset: { required: true, description: 'Its offset there' },
  dlq_attempts: { required: true, description: 'How many times it was tried' },
  dlq_failed_at: { required: true, description: 'When it was dead-lettered (RFC 3339)' },
};

const DIRECTORY_HEADERS = {
  ...Object.fromEntries(Object.entries(EVENT_HEADERS).filter(([k]) => k !== 'content-type' && k !== 'ce_dataschema')),
  ce_source: { required: true, description: 'The registration service, /homeward/<origin country>/registration/directory' },
  homeward_stream_version: { required: true, description: "The worker's stream version this message reflects" },
};

const events = (pkg, envelope, description) => ({
  envelope,
  oneof: 'event',
  partitions: 6,
  description,
});

const deadLetter = { partitions: 1 };

export const TOPICS = {
  'homeward.registration.events.v1': events(
    'registration',
    'homeward.registration.v1.RegistrationEvent',
    "Every event of the registry of workers, their migration cycles and returns; kept forever. Key: the worker id. Personal data travels sealed with the worker's own data key.",
  ),
  'homeward.skills.events.v1': events(
    'skills',
    'homeward.skills.v1.SkillsEvent',
    'Every event of skills certification (standards, centres, assessors, candidates, assessments, certificates); kept forever.',
  ),
  'homeward.employment.events.v1': events(
    'employment',
    'homeward.employment.v1.EmploymentEvent',
    'Every event of employment matching (vacancies, job seekers, referrals, hires); kept forever.',
  ),
  'homeward.fund.events.v1': events(
    'fund',
    'homeward.fund.v1.FundEvent',
    'Every event of the emergency fund (policies, contributions, coverage, claims, disbursements); kept forever.',
  ),
  'homeward.registration.directory.v1': {
    envelope: 'homeward.registration.v1.DirectoryEntry',
    partitions: 6,
    compacted: true,
    key: 'the worker id: compaction keeps the latest entry of each worker',
    headers: DIRECTORY_HEADERS,
    description:
      "The directory of people (docs/adr/0004), compacted: each worker's latest identity sealed with the directory key, or a tombstone once their personal data is erased.",
    extraMessages: [
      {
        id: 'homeward.registration.v1.DirectoryEntryWithdrawn',
        message: {
          name: 'DirectoryEntryWithdrawn',
          title: 'DirectoryEntryWithdrawn',
          summary: "A tombstone: the worker's personal data was erased, the entry is withdrawn.",
          description:
            "A tombstone (the worker id as key, no value): the worker's personal data was erased; read models delete the identity.",
          headers: {
            type: 'object',
            properties: Object.fromEntries(
              Object.entries(DIRECTORY_HEADERS).map(([k, h]) => [
                k,
                {
                  type: 'string',
                  description: h.description,
                  ...(k === 'ce_type' ? { const: 'homeward.registration.v1.DirectoryEntryWithdrawn' } : {}),
                },
              ]),
            ),
            required: Object.keys(DIRECTORY_HEADERS),
          },
          payload: { type: 'null' },
        },
      },
    ],
  },
  'homeward.registration.worker-status.dlq.v1': deadLetter,
  'homeward.skills-certification.registration.dlq.v1': deadLetter,
  'homeward.employment-matching.registration.dlq.v1': deadLetter,
  'homeward.employment-matching.matching.dlq.v1': deadLetter,
  'homeward.emergency-fund.registration.dlq.v1': deadLetter,
  'homeward.agency-view.dlq.v1': deadLetter,
  'homeward.mission-view-{country}.dlq.v1': deadLetter,
};

const REGISTRATION = 'homeward.registration.events.v1';
const SKILLS = 'homeward.skills.events.v1';
const EMPLOYMENT = 'homeward.employment.events.v1';
const FUND = 'homeward.fund.events.v1';
const DIRECTORY = 'homeward.registration.directory.v1';

/** Per service: the topics it publishes (through its relay) and its consumers' dead-letter topics. */
export const SERVICES = {
  registration: {
    description: 'The registration service publishes the registry of workers and the directory of people.',
    publishes: [REGISTRATION, DIRECTORY],
    deadLetters: [
      { topic: 'homeward.registration.worker-status.dlq.v1', consumer: 'homeward.registration.worker-status', sources: [REGISTRATION] },
    ],
  },
  'skills-certification': {
    description: 'Skills certification publishes its events.',
    publishes: [SKILLS],
    deadLetters: [
      {
        topic: 'homeward.skills-certification.registration.dlq.v1',
        consumer: 'homeward.skills-certification.registration',
        sources: [REGISTRATION],
      },
    ],
  },
  'employment-matching': {
    description: 'Employment matching publishes its events.',
    publishes: [EMPLOYMENT],
    deadLetters: [
      {
        topic: 'homeward.employment-matching.registration.dlq.v1',
        consumer: 'homeward.employment-matching.registration',
        sources: [REGISTRATION],
      },
      {
        topic: 'homeward.employment-matching.matching.dlq.v1',
        consumer: 'homeward.employment-matching.matching',
        sources: [REGISTRATION, SKILLS, EMPLOYMENT],
      },
    ],
  },
  'emergency-fund': {
    description: 'The emergency fund publishes its events.',
    publishes: [FUND],
    deadLetters: [
      { topic: 'homeward.emergency-fund.registration.dlq.v1', consumer: 'homeward.emergency-fund.registration', sources: [REGISTRATION] },
    ],
  },
  'agency-view': {
    description: "The agency view writes no events; its read model's consumer groups dead-letter what they cannot apply.",
    publishes: [],
    deadLetters: [
      {
        topic: 'homeward.agency-view.dlq.v1',
        consumer: 'homeward.projection.agency-view.<version>.<build>',
        sources: [REGISTRATION, DIRECTORY, SKILLS, EMPLOYMENT, FUND],
      },
    ],
  },
  'mission-view': {
    description:
      "A mission view writes no events; its read model's consumer groups dead-letter what they cannot apply (one topic per mission instance, by MISSION_COUNTRY).",
    publishes: [],
    deadLetters: [
      {
        topic: 'homeward.mission-view-{country}.dlq.v1',
        consumer: 'homeward.projection.mission-view-<country>.<version>.<build>',
        sources: [REGISTRATION, FUND],
      },
    ],
  },
};
