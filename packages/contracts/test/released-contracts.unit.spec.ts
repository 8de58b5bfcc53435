import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The event contracts as released (`released/homeward-events.image.json`, a buf image of proto/ without
// source info) against proto/ as it is now: every consumer of a topic, including read models projecting
// years of history, decodes old messages with new code and new messages with old code only while no
// change breaks the wire format (buf's FILE rules: no field renumbered, retyped or removed, no message or
// enum value gone). A deliberate release refreshes the image: `npm run contracts:release -w @homeward/contracts`.

const root = path.resolve(__dirname, '../../..');
const released = path.join(root, 'packages/contracts/released/homeward-events.image.json');
const buf = path.join(root, 'node_modules/.bin/buf');

function breaking(moduleRoot: string): { status: number | null; output: string } {
  const run = spawnSync(buf, ['breaking', 'proto', '--against', released, '--error-format', 'json'], {
    cwd: moduleRoot,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the event contracts against the released ones', () => {
  it('proto/ passes buf lint', () => {
    expect(() => execFileSync(buf, ['lint'], { cwd: root, encoding: 'utf8' })).not.toThrow();
  });

  it('breaks nothing the released contracts promise', () => {
    const result = breaking(root);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  describe('a change that would break consumers is caught', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(path.join(tmpdir(), 'homeward-contracts-'));
      cpSync(path.join(root, 'proto'), path.join(copy, 'proto'), { recursive: true });
      cpSync(path.join(root, 'buf.yaml'), path.join(copy, 'buf.yaml'));
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    const change = (file: string, edit: (text: string) => string) => {
      const at = path.join(copy, 'proto', file);
      const before = readFileSync(at, 'utf8');
      const after = edit(before);
      expect(after).not.toBe(before);
      writeFileSync(at, after);
    };

    it('a field renumbered in the envelope', () => {
      change('homeward/common/v1/envelope.proto', (text) =>
        text.replace(/(\bstring\s+event_id\s*=\s*)(\d+)/, (_, head: string) => `${head}99`),
      );
      const result = breaking(copy);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/event_id|FIELD_SAME_NUMBER|FIELD_NO_DELETE/i);
    });

    it('an event removed from a topic', () => {
      change('homeward/registration/v1/registration_events.proto', (text) => text.replace(/^\s*\w+ return_recorded = \d+;\s*$/m, ''));
      const result = breaking(copy);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/return_recorded/);
    });
  });
});
