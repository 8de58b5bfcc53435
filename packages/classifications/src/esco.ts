/**
 * ESCO (the European Commission's classification of skills, competences and occupations) names each skill
 * and knowledge concept http://data.europa.eu/esco/skill/<UUID>, lower-case. The registry does not ship
 * ESCO's list of some 14,000 skills, so it checks that a URI has that shape and no more: an identifier
 * of the right form that ESCO never issued is not caught here.
 */
const SKILL_URI = /^http:\/\/data\.europa\.eu\/esco\/skill\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const ESCO_SKILL_URI_PATTERN = SKILL_URI.source;

/** Whether `uri` has the shape of an ESCO skill or knowledge concept's URI. */
export function isEscoSkillUri(uri: string): boolean {
  return SKILL_URI.test(uri);
}
