/**
 * The four default policies (PH-OWWA, NP-FEWF, LK-SLBFE, ID-BPJS), each figure with its public source: the
 * data lives in src/domain/policy/defaults.ts (pure data, so the domain's tests may use it).
 */
export { DEFAULT_POLICIES, ID_BPJS, LK_SLBFE, NP_FEWF, PH_OWWA, defaultFundOf } from '../domain/policy/defaults';
