import { DeciderSpecification } from '@homeward/testing/decider';
import { SeekerNotFound, UnknownCodes, type Clocked } from '../employment.errors';
import { TODAY, at, registerReturnee, seekerLeft, seekerRegistered, setPreferences, workerId } from '../testing/employment.fixture';
import { seekerDecider, type SeekerCommand } from './seeker.decider';

const spec = DeciderSpecification(seekerDecider);
const when = (c: SeekerCommand) => at(c) as Clocked<SeekerCommand>;

describe('a returnee not yet seeking work', () => {
  it('becomes a job seeker on return, remembering the return it came from', () =>
    spec
      .given([])
      .when(when(registerReturnee()))
      .then([
        {
          type: 'JobSeekerRegistered',
          data: { workerId, registeredOn: TODAY, basis: 'return', sourceEventId: 'evt-return-1', cycleNumber: 1, returnedOn: '2025-05-01' },
        },
      ]));

  it('becomes a job seeker on request', () =>
    spec
      .given([])
      .when(when({ type: 'RegisterJobSeeker', data: { workerId } }))
      .then([{ type: 'JobSeekerRegistered', data: { workerId, registeredOn: TODAY, basis: 'request', cycleNumber: 0 } }]));

  it('has no wishes to record: 404', () => spec.given([]).when(when(setPreferences())).thenThrows(SeekerNotFound));

  it('records nothing when leaving because of a fact elsewhere', () =>
    spec
      .given([])
      .when(when({ type: 'LeaveRegister', data: { reason: 'remigrated' } }))
      .thenNothingHappens());
});

describe('a job seeker', () => {
  it('records nothing for the same return delivered again', () =>
    spec.given([seekerRegistered]).when(when(registerReturnee())).thenNothingHappens());

  it('records nothing for another return while seeking work', () =>
    spec
      .given([seekerRegistered])
      .when(when(registerReturnee({ sourceEventId: 'evt-return-2', cycleNumber: 2 })))
      .thenNothingHappens());

  it('records wishes, each occupation and area once', () =>
    spec
      .given([seekerRegistered])
      .when(when(setPreferences({ occupations: ['9112', '9112', '5152'] })))
      .then([
        {
          type: 'JobSeekerPreferencesSet',
          data: { workerId, setOn: TODAY, occupations: ['9112', '5152'], areas: ['PH-CEB'], willingToRelocate: false },
        },
      ]));

  it('refuses an occupation that is no ISCO-08 unit group', () =>
    spec
      .given([seekerRegistered])
      .when(when(setPreferences({ occupations: ['9999'] })))
      .thenThrows(UnknownCodes));

  it('leaves on re-migration of a later cycle, not for an older departure', () => {
    spec
      .given([seekerRegistered])
      .when(when({ type: 'LeaveRegister', data: { reason: 'remigrated', departure: { cycleNumber: 2, departedOn: '2025-06-30' } } }))
      .then([{ type: 'JobSeekerLeft', data: { workerId, leftOn: TODAY, reason: 'remigrated' } }]);
    spec
      .given([seekerRegistered])
      .when(when({ type: 'LeaveRegister', data: { reason: 'remigrated', departure: { cycleNumber: 1, departedOn: '2023-02-01' } } }))
      .thenNothingHappens();
  });

  it('is registered again after leaving, from a new return', () =>
    spec
      .given([seekerRegistered, seekerLeft])
      .when(when(registerReturnee({ sourceEventId: 'evt-return-2', cycleNumber: 2 })))
      .then([
        {
          type: 'JobSeekerRegistered',
          data: { workerId, registeredOn: TODAY, basis: 'return', sourceEventId: 'evt-return-2', cycleNumber: 2, returnedOn: '2025-05-01' },
        },
      ]));
});
