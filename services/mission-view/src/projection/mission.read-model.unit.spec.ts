import { eventsTopic } from '@homeward/contracts';
import { missionViewProjection } from './mission.read-model';

// A mission abroad needs the stays in its country, and nothing that the skills authority at home records
// (issue 11): assessments and certificates are the origin-country agencies' business.
describe('the topics a mission view reads', () => {
  const definition = missionViewProjection('SA', 't.ns.');

  it("reads the registration topic of its namespace, and the fund topic for its country's claims (issue 13)", () => {
    expect(definition.sources.map((source) => source.topic)).toEqual([eventsTopic('registration', 't.ns.'), eventsTopic('fund', 't.ns.')]);
  });

  it('does not subscribe to the skills topic', () => {
    expect(definition.sources.map((source) => source.topic)).not.toContain(eventsTopic('skills', 't.ns.'));
  });
});
