import { country } from '@homeward/classifications/countries';
import { TOTAL, UNKNOWN } from '../domain/reports/codelists';
import type { Report, ReportTable } from '../domain/reports/report-table';
import type { RenderOptions } from './render-options';
import { csvLine, unionOf, valueText } from './text';

export class SdmxCodeError extends Error {
  override readonly name = 'SdmxCodeError';
}

/**
 * ISO 3166-1 alpha-3 for SDMX; the SDMX special codes pass through. The tables hold no other country
 * code (one that names no country is counted under `_U` when the report is built), so this refuses only
 * a reporting country (REF_AREA) that is not one: a setting to correct, not a record.
 */
function alpha3(code: string): string {
  if (code === TOTAL || code === UNKNOWN) return code;
  const found = country(code);
  if (!found)
    throw new SdmxCodeError(`no ISO 3166-1 alpha-3 code is known for the country code ${JSON.stringify(code)}; SDMX output needs one`);
  return found.alpha3;
}

const ATTRIBUTES: Record<ReportTable['unit'], readonly string[]> = {
  PS: ['UNIT_MEASURE', 'OBS_STATUS', 'CONF_STATUS'],
  NUM: ['UNIT_MEASURE', 'OBS_STATUS', 'CONF_STATUS'],
  RATIO: ['UNIT_MEASURE', 'OBS_STATUS', 'CONF_STATUS', 'OBS_COUNT', 'OBS_EXCLUDED'],
};

/**
 * SDMX-CSV 2.0 (aligned with SDMX 3.0): STRUCTURE, STRUCTURE_ID as AGENCY:ID(VERSION), ACTION, the
 * dimensions (REF_AREA first: the reporting country), OBS_VALUE, then the attributes. Several tables are
 * several dataflows in one message: the columns are the union of their components, dimensions of the
 * first dataflow first, and a row leaves empty the columns its dataflow does not have. Countries are ISO
 * 3166-1 alpha-3. Suppressed cells have an empty OBS_VALUE and CONF_STATUS C.
 */
export function renderSdmxCsv(report: Report, options: RenderOptions): string {
  const refArea = alpha3(options.refArea);
  const dimensions = ['REF_AREA', ...unionOf(report.tables.map((t) => t.dimensions.map((d) => d.id)))];
  const attributes = unionOf(report.tables.map((t) => ATTRIBUTES[t.unit]));
  let out = csvLine(['STRUCTURE', 'STRUCTURE_ID', 'ACTION', ...dimensions, 'OBS_VALUE', ...attributes]);
  for (const table of report.tables) {
    const structureId = `${options.agency}:${table.flow.id}(${table.flow.version})`;
    const position = new Map<string, number>(table.dimensions.map((d, i) => [d.id, i]));
    const areaAt = position.get('COUNTERPART_AREA');
    const own = new Set(ATTRIBUTES[table.unit]);
    for (const observation of table.observations) {
      const fields = ['dataflow', structureId, 'I'];
      for (const id of dimensions) {
        if (id === 'REF_AREA') {
          fields.push(refArea);
          continue;
        }
        const i = position.get(id);
        const code = i === undefined ? '' : observation.key[i]!;
        fields.push(i === areaAt && i !== undefined ? alpha3(code) : code);
      }
      fields.push(valueText(table, observation));
      for (const attribute of attributes) {
        if (!own.has(attribute)) {
          fields.push('');
          continue;
        }
        switch (attribute) {
          case 'UNIT_MEASURE':
            fields.push(table.unit);
            break;
          case 'OBS_STATUS':
            fields.push(observation.status);
            break;
          case 'CONF_STATUS':
            fields.push(observation.confidentiality);
            break;
          case 'OBS_COUNT':
            fields.push(observation.count === undefined ? '' : String(observation.count));
            break;
          case 'OBS_EXCLUDED':
            fields.push(observation.excluded === undefined ? '' : String(observation.excluded));
            break;
          default:
            fields.push('');
        }
      }
      out += csvLine(fields);
    }
  }
  return out;
}
