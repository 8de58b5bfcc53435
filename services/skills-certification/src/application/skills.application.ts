import type { CandidateCommands } from './candidates.commands';
import type { CentreCommands } from './centres.commands';
import type { CredentialStore } from './credential-store';
import type { ObjectStore } from './ports/object-store';
import type { StandardCommands } from './standards.commands';
import type { CertificateVerification } from './verification/verify-certificate';
import type { VerificationCodes } from './verification/verification-code';

/** Injection token of the application, built at the edge (skills-certification.app.ts). */
export const SKILLS_APPLICATION = Symbol('SkillsApplication');

/** Everything the controllers call: one object, so that the HTTP layer reaches nothing below the application. */
export interface SkillsApplication {
  readonly standards: StandardCommands;
  readonly centres: CentreCommands;
  readonly candidates: CandidateCommands;
  readonly credentials: CredentialStore;
  readonly verification: CertificateVerification;
  readonly codes: VerificationCodes;
  readonly objects: ObjectStore;
  readonly clock: () => Date;
  readonly originCountry: string;
}
