/** The rows of the write side's read tables, as the application answers them (persistence/read-tables.ts fills them). */

/** A vacancy's row of the `vacancies` index. */
export interface VacancyRow {
  readonly vacancyId: string;
  readonly employerId: string;
  readonly status: string;
  readonly title: string;
  readonly occupationIsco: string;
  readonly location: string;
  readonly openings: number;
  readonly hires: number;
  readonly closingOn: string;
  readonly postedOn: string;
}

/** A referral as its employer reads it: the `referrals` table. */
export interface ReferralRow {
  readonly referralId: string;
  readonly vacancyId: string;
  readonly workerId: string;
  readonly employerId: string;
  readonly status: string;
  readonly referredOn: string;
  readonly weightsVersion: string;
  readonly scoreMilli: number;
  readonly interviews: readonly { interviewedOn: string; outcome: string }[];
  readonly closed?: { on: string; reason: string };
  readonly hire?: {
    hiredOn: string;
    startsOn: string;
    contractType: string;
    monthlyWage: { currency: string; amountMinor: number };
    occupationIsco: string;
  };
  readonly placementEnded?: { on: string; reason: string };
}
