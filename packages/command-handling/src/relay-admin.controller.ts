import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, HttpCode, Inject, Module, Param, Post, Res, type DynamicModule } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import type { QuarantinedStream, RelayQuarantine, ReleaseOutcome } from '@homeward/messaging/relay-quarantine';
import { CurrentPrincipal } from '@homeward/service-kit';
import { Problem, fieldError } from '@homeward/service-kit/problem';

/** Injection tokens: the relay's quarantine, and what to tell when an operator asked for a release. */
export const RELAY_QUARANTINE = Symbol('RelayQuarantine');
export const RELAY_RELEASE_REQUESTED = Symbol('RelayReleaseRequested');

/** The answers, as every event-sourced service's OpenAPI document describes them (registration.v1.yaml's). */
interface QuarantinedStreamDto {
  streamId: string;
  eventId: string;
  eventType: string;
  reason: string;
  since: string;
  attempts: number;
  lastAttemptAt: string;
  heldEvents: number;
  releaseRequestedAt?: string;
  releaseRequestedBy?: string;
}
type ReleaseOutcomeDto =
  | { state: 'released'; streamId: string; publishedEvents: number; releasedAt: string }
  | { state: 'pending'; streamId: string; stream: QuarantinedStreamDto };
interface Schemas {
  QuarantinedStream: QuarantinedStreamDto;
  QuarantineList: { items: QuarantinedStreamDto[] };
  ReleaseOutcome: ReleaseOutcomeDto;
}

/** Scope of the registry's operators: they see the relay's quarantine and release streams from it. */
export const RELAY_ADMIN_SCOPE = 'relay:admin';

/** How long a release request waits for the relay's answer before answering 202 (pending). */
const RELEASE_WAIT_MS = 5_000;

function assertRelayAdmin(principal: Principal): void {
  const refusal =
    principal.kind !== 'agency'
      ? `the relay is administered by the registry's own agency; the caller is a ${principal.kind}`
      : principal.scopes.has(RELAY_ADMIN_SCOPE)
        ? undefined
        : `the ${RELAY_ADMIN_SCOPE} scope is required`;
  if (refusal) throw new Problem({ ...Problem.forbidden(refusal).details, code: 'access.relay-admin-required' });
}

const streamDto = (s: QuarantinedStream): Schemas['QuarantinedStream'] => ({
  streamId: s.streamId,
  eventId: s.eventId,
  eventType: s.eventType,
  reason: s.reason,
  since: s.since.toISOString(),
  attempts: s.attempts,
  lastAttemptAt: s.lastAttemptAt.toISOString(),
  heldEvents: s.heldEvents,
  ...(s.releaseRequestedAt ? { releaseRequestedAt: s.releaseRequestedAt.toISOString() } : {}),
  ...(s.releaseRequestedBy ? { releaseRequestedBy: s.releaseRequestedBy } : {}),
});

const notHeld = (streamId: string) =>
  new Problem({
    ...Problem.notFound(`the relay holds no stream ${streamId}`, [fieldError('path', ['streamId'], 'not quarantined')]).details,
    code: 'relay.stream-not-quarantined',
  });

/**
 * The event relay's quarantine (docs/adr/0005), for the registry's operators: which workers' streams are
 * held back from Kafka and why, and a release once the cause is fixed. The relay that leads carries the
 * release out (publishing the held events in order, as far as they now map); this answers with what
 * came of it, or 202 if the relay has not got to it within a few seconds.
 */
@Controller('admin/relay/quarantine')
class RelayAdminController {
  constructor(
    @Inject(RELAY_QUARANTINE) private readonly quarantine: RelayQuarantine,
    @Inject(RELAY_RELEASE_REQUESTED) private readonly releaseRequested: () => void,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<Schemas['QuarantineList']> {
    assertRelayAdmin(principal);
    return { items: (await this.quarantine.list()).map(streamDto) };
  }

  @Get(':streamId')
  async get(@Param('streamId') streamId: string, @CurrentPrincipal() principal: Principal): Promise<Schemas['QuarantinedStream']> {
    assertRelayAdmin(principal);
    const stream = await this.quarantine.get(streamId);
    if (!stream) throw notHeld(streamId);
    return streamDto(stream);
  }

  @Post(':streamId/release')
  @HttpCode(200)
  async release(
    @Param('streamId') streamId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['ReleaseOutcome']> {
    assertRelayAdmin(principal);
    const request = await this.quarantine.requestRelease(streamId, `${principal.subject} (${principal.organisationId})`);
    if (!request) throw notHeld(streamId);
    this.releaseRequested();
    let outcome: ReleaseOutcome = await this.quarantine.outcome(request);
    for (const deadline = Date.now() + RELEASE_WAIT_MS; outcome.state === 'pending' && Date.now() < deadline;) {
      await sleep(100);
      outcome = await this.quarantine.outcome(request);
    }
    switch (outcome.state) {
      case 'released':
        return { state: 'released', streamId, publishedEvents: outcome.publishedEvents, releasedAt: outcome.releasedAt.toISOString() };
      case 'pending':
        void reply.code(202);
        return { state: 'pending', streamId, stream: streamDto(outcome.stream) };
      case 'still-failing':
        throw new Problem({
          type: 'https://homeward.example/problems/relay-still-unpublishable',
          title: 'The stream still cannot be published',
          status: 409,
          detail: `event ${outcome.stream.eventId} (${outcome.stream.eventType}) still cannot be published: ${outcome.stream.reason}. The events before it, if any, are published; the stream stays held from it.`,
          code: 'relay.still-unpublishable',
          stream: streamDto(outcome.stream),
        });
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown release outcome ${JSON.stringify(unknown)}`);
      }
    }
  }
}

/** The quarantine's admin API, for a service's HTTP application (startEventSourcedService adds it). */
@Module({})
export class RelayAdminModule {
  static with(quarantine: RelayQuarantine, releaseRequested: () => void): DynamicModule {
    return {
      module: RelayAdminModule,
      controllers: [RelayAdminController],
      providers: [
        { provide: RELAY_QUARANTINE, useValue: quarantine },
        { provide: RELAY_RELEASE_REQUESTED, useValue: releaseRequested },
      ],
    };
  }
}
