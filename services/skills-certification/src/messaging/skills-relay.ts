import type { ToMessages } from '@homeward/messaging/event-relay';
import { skillsMessage } from './skills-topic.mapper';

/** The relay's mapping of the service's stored events to `homeward.skills.events.v1`: one message per event. */
export function skillsMessages(topic: string, source: string): ToMessages {
  const toMessage = skillsMessage(topic, source);
  return async (events) => events.map(toMessage);
}
