import { leaveOutPublished, type RelayedMessage } from '@homeward/messaging/event-relay';

// What a relay that took the lead leaves out of a send: the messages found on their topics, but never a
// key's message behind an earlier one of the same send that goes out.

const message = (topic: string, key: string, eventId: string): RelayedMessage => ({
  topic,
  key,
  headers: { ce_id: eventId },
  value: eventId === 'tombstone' ? null : Buffer.from(eventId),
});
const onTopics = (...messages: RelayedMessage[]) => new Set(messages.map((m) => `${m.topic}\u0000${m.key}\u0000${m.headers.ce_id}`));
const ids = (messages: readonly RelayedMessage[]) => messages.map((m) => `${m.topic}/${m.key}/${m.headers.ce_id}`);

describe('leaving out what is already on the topics', () => {
  it('leaves out each message found there, by topic, key and event id, and keeps the rest in order', () => {
    const sent = [message('a', 'k1', 'e1'), message('a', 'k2', 'e2'), message('b', 'k1', 'e1'), message('a', 'k1', 'e3')];
    const there = onTopics(message('a', 'k1', 'e1'), message('a', 'k2', 'e2'));
    expect(ids(leaveOutPublished(sent, there))).toEqual(['b/k1/e1', 'a/k1/e3']);
  });

  it("never leaves out a key's message behind an earlier one that is sent (a release's tombstone again after the held events)", () => {
    const sent = [message('dir', 'person', 'held'), message('dir', 'person', 'erased')];
    expect(ids(leaveOutPublished(sent, onTopics(message('dir', 'person', 'erased'))))).toEqual(['dir/person/held', 'dir/person/erased']);
  });

  it('sends a message without an event id, and one whose key differs from the copy found', () => {
    const noId: RelayedMessage = { topic: 'a', key: 'k', headers: {}, value: null };
    expect(leaveOutPublished([noId, message('a', 'other', 'e1')], onTopics(message('a', 'k', 'e1')))).toHaveLength(2);
  });
});
