/** Nest injection tokens of the agency view. */
export const AGENCY_QUERIES = Symbol('AGENCY_QUERIES');
export const PROJECTION_HOST = Symbol('PROJECTION_HOST');
