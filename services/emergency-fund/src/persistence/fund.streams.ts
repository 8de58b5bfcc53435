import { EventStreams } from '@homeward/command-handling/streams';
import type { EventStore } from '@homeward/event-store';
import { claimEventOn, type ClaimEvent } from '../domain/claim/claim.events';
import { evolve as evolveClaim, initialState as noClaim, type ClaimState } from '../domain/claim/claim.state';
import {
  evolve as evolveMember,
  initialState as noMember,
  memberEventOn,
  type MemberEvent,
  type MemberState,
} from '../domain/member/member';
import { evolve as evolvePolicy, initialState as noPolicy, type PolicyEvent, type PolicyState } from '../domain/policy/policy.decider';

const day = (date: string) => new Date(`${date}T00:00:00Z`);

/** A fund's policy versions, `policy-<fundId>`: nothing personal. Occurred-at: the version's effective date. */
export class PolicyStreams extends EventStreams<PolicyEvent, PolicyState> {
  constructor(store: EventStore) {
    super(store, { category: 'policy', evolve: evolvePolicy, initialState: noPolicy, occurredAt: (e) => day(e.data.publishedOn) });
  }
}

/** A worker's membership, `member-<workerId>`: the pseudonymous id, contributions and coverage periods. */
export class MemberStreams extends EventStreams<MemberEvent, MemberState> {
  constructor(store: EventStore) {
    super(store, { category: 'member', evolve: evolveMember, initialState: noMember, occurredAt: (e) => day(memberEventOn(e)) });
  }
}

/**
 * A claim, `claim-<claimId>`. Case notes are sealed by the application with the worker's key (the vault,
 * keyed by the worker id, not the claim id) before they reach the events, which hold only the seal.
 */
export class ClaimStreams extends EventStreams<ClaimEvent, ClaimState> {
  constructor(private readonly eventStore: EventStore) {
    const store = eventStore;
    super(store, {
      category: 'claim',
      evolve: evolveClaim,
      initialState: noClaim,
      occurredAt: (e) => day(claimEventOn(e)),
      // The mission's country on every event of the claim: mission-view keeps its own country's claims.
      destinationCountry: (e, before) =>
        e.type === 'ClaimFiled' ? e.data.destinationCountry : before.status === 'none' ? '' : before.destinationCountry,
    });
  }

  /** The claim's events as stored (case notes still sealed): what the audited case-notes read opens. */
  async events(claimId: string): Promise<ClaimEvent[]> {
    const stored = await this.eventStore.readStream(this.streamId(claimId));
    return stored.map((e) => ({ type: e.type, data: e.data }) as ClaimEvent);
  }
}
