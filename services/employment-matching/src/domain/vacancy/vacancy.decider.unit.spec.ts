import { DeciderSpecification } from '@homeward/testing/decider';
import { UnknownCodes, VacancyNotFound, type Clocked } from '../employment.errors';
import { TODAY, at, post, posted, vacancyClosed, vacancyId } from '../testing/employment.fixture';
import { vacancyDecider, type VacancyCommand } from './vacancy.decider';

const spec = DeciderSpecification(vacancyDecider);
const when = (c: VacancyCommand, now?: Date) => at(c, now) as Clocked<VacancyCommand>;

describe('a vacancy not yet posted', () => {
  it('is posted, dated today, without the looked-up standards', () =>
    spec
      .given([])
      .when(when(post()))
      .then([{ ...posted, data: { ...posted.data, postedOn: TODAY } }] as never));

  it('may close today', () =>
    spec
      .given([])
      .when(when(post({ closingOn: TODAY })))
      .then([{ ...posted, data: { ...posted.data, closingOn: TODAY, postedOn: TODAY } }] as never));

  it('refuses an unknown occupation, subdivision and language, each with its path', () =>
    spec
      .given([])
      .when(when(post({ occupationIsco: '0000', location: 'PH-ZZZ', languages: ['en', 'xx'] })))
      .thenThrows(UnknownCodes, (e) => expect(e.errors.map((x) => x.path)).toEqual([['occupationIsco'], ['location'], ['languages', 1]])));

  it('cannot be closed: 404', () =>
    spec
      .given([])
      .when(when({ type: 'CloseVacancy', data: {} }))
      .thenThrows(VacancyNotFound));
});

describe('an open vacancy', () => {
  it('is closed by its employer before the closing date', () =>
    spec
      .given([posted])
      .when(when({ type: 'CloseVacancy', data: {} }))
      .then([{ type: 'VacancyClosed', data: { vacancyId, closedOn: TODAY, reason: 'closed_by_employer' } }]));

  it('is closed as past its closing date after it', () =>
    spec
      .given([posted])
      .when(when({ type: 'CloseVacancy', data: {} }, new Date('2025-09-01T08:00:00Z')))
      .then([{ type: 'VacancyClosed', data: { vacancyId, closedOn: '2025-09-01', reason: 'closing_date_passed' } }]));
});

describe('a closed vacancy', () => {
  it('may still be filled by the referrals already made', () =>
    spec
      .given([posted, vacancyClosed])
      .when(when({ type: 'FillVacancy', data: {} }))
      .then([{ type: 'VacancyFilled', data: { vacancyId, filledOn: TODAY } }]));

  it('may be withdrawn', () =>
    spec
      .given([posted, vacancyClosed])
      .when(when({ type: 'WithdrawVacancy', data: { reason: 'job cancelled' } }))
      .then([{ type: 'VacancyWithdrawn', data: { vacancyId, withdrawnOn: TODAY, reason: 'job cancelled' } }]));
});
