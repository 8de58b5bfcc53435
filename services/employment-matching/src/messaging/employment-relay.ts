import type { ToMessages } from '@homeward/messaging/event-relay';
import { employmentMessage } from './employment-topic.mapper';

/** The relay's mapping of the service's stored events to `homeward.employment.events.v1`: one message per event. */
export function employmentMessages(topic: string, source: string): ToMessages {
  const toMessage = employmentMessage(topic, source);
  return async (events) => events.map(toMessage);
}
