import type { Random } from './random';

/**
 * Destination countries (ISO 3166-1 alpha-2) as labour markets: which jobs they offer (the market), their
 * currency, how wages there compare with the Gulf, the usual contract length, and the language a worker
 * picks up there. Figures are rounded approximations, good enough for plausible synthetic data.
 */
export type Market = 'gulf' | 'domestic_hub' | 'industrial' | 'malaysia' | 'europe' | 'anglosphere';

export interface Destination {
  readonly market: Market;
  readonly currency: string;
  /** Monthly wages there relative to the Gulf for the same job. */
  readonly wageFactor: number;
  /** Usual length of a first contract, in months. */
  readonly contractMonths: readonly number[];
  /** The language learnt on the job, as an acquired-skill title stem. */
  readonly language: string;
  /** How employers' names are formed there. */
  readonly names: EmployerNaming;
}

interface EmployerNaming {
  readonly households: readonly string[];
  readonly stems: readonly string[];
  readonly legalForm: string;
}

const arabic: EmployerNaming = {
  households: [
    'Abdullah Al-Harbi',
    'Mohammed Al-Otaibi',
    'Khalid Al-Qahtani',
    'Fahad Al-Shammari',
    'Saad Al-Mutairi',
    'Ahmed Al-Dosari',
    'Faisal Al-Ghamdi',
    'Nasser Al-Zahrani',
    'Hamad Al-Kaabi',
    'Sultan Al-Mansoori',
    'Yousef Al-Hashimi',
    'Ali Al-Ajmi',
  ],
  stems: ['Al Noor', 'Al Safwa', 'Al Rawabi', 'Gulf Star', 'Desert Falcon', 'Al Waha', 'Al Bustan', 'Najm', 'Al Fajr', 'Al Manara'],
  legalForm: 'LLC',
};
const levant: EmployerNaming = {
  households: ['Omar Haddad', 'Rami Khoury', 'Samir Nasser', 'Walid Saleh', 'Hani Mansour', 'Ziad Fakhoury'],
  stems: ['Cedar', 'Petra', 'Jordan Valley', 'Levant Star', 'Amman Gate'],
  legalForm: 'Co.',
};

export const DESTINATIONS: Readonly<Record<string, Destination>> = {
  SA: { market: 'gulf', currency: 'SAR', wageFactor: 1, contractMonths: [24], language: 'Arabic', names: arabic },
  AE: { market: 'gulf', currency: 'AED', wageFactor: 1.05, contractMonths: [24], language: 'Arabic', names: arabic },
  QA: { market: 'gulf', currency: 'QAR', wageFactor: 1, contractMonths: [24], language: 'Arabic', names: arabic },
  KW: { market: 'gulf', currency: 'KWD', wageFactor: 0.95, contractMonths: [24], language: 'Arabic', names: arabic },
  OM: { market: 'gulf', currency: 'OMR', wageFactor: 0.9, contractMonths: [24], language: 'Arabic', names: arabic },
  BH: { market: 'gulf', currency: 'BHD', wageFactor: 0.9, contractMonths: [24], language: 'Arabic', names: arabic },
  JO: { market: 'gulf', currency: 'JOD', wageFactor: 0.75, contractMonths: [24], language: 'Arabic', names: levant },
  LB: { market: 'gulf', currency: 'USD', wageFactor: 0.6, contractMonths: [24, 36], language: 'Arabic', names: levant },
  MV: {
    market: 'gulf',
    currency: 'USD',
    wageFactor: 0.9,
    contractMonths: [24],
    language: 'Dhivehi',
    names: {
      households: ['Ibrahim Rasheed', 'Ahmed Shareef', 'Mohamed Naseem'],
      stems: ['Male Reef', 'Atoll Star', 'Blue Lagoon'],
      legalForm: 'Pvt Ltd',
    },
  },
  HK: {
    market: 'domestic_hub',
    currency: 'HKD',
    wageFactor: 1.55,
    contractMonths: [24],
    language: 'Cantonese',
    names: {
      households: [
        'Chan Tai Man',
        'Wong Siu Ming',
        'Lee Ka Yan',
        'Cheung Wai Kit',
        'Lau Mei Ling',
        'Ho Chi Keung',
        'Leung Kwok Wah',
        'Yeung Suk Yee',
      ],
      stems: ['Harbour View', 'Golden Dragon', 'Pearl River', 'Victoria Peak', 'Lucky Star'],
      legalForm: 'Ltd',
    },
  },
  SG: {
    market: 'domestic_hub',
    currency: 'SGD',
    wageFactor: 1.3,
    contractMonths: [24],
    language: 'English',
    names: {
      households: ['Tan Wei Ming', 'Lim Mei Ling', 'Ng Boon Huat', 'Ong Siew Lan', 'Goh Kah Wai', 'Koh Swee Lian'],
      stems: ['Lion City', 'Orchid', 'Merlion', 'Straits', 'Raffles Quay'],
      legalForm: 'Pte Ltd',
    },
  },
  MY: {
    market: 'malaysia',
    currency: 'MYR',
    wageFactor: 0.85,
    contractMonths: [24, 36],
    language: 'Malay',
    names: {
      households: ['Ahmad bin Ismail', 'Tan Ah Kow', 'Siti binti Hassan', 'Lee Chong Wei', 'Rajesh a/l Muthu'],
      stems: ['Sungai Hijau', 'Bukit Indah', 'Seri Maju', 'Tanjung Emas', 'Perdana', 'Kinabalu'],
      legalForm: 'Sdn Bhd',
    },
  },
  TW: {
    market: 'industrial',
    currency: 'TWD',
    wageFactor: 1.9,
    contractMonths: [36],
    language: 'Mandarin Chinese',
    names: {
      households: ['Chen Chih-Ming', 'Lin Mei-Hua', 'Huang Chun-Hung', 'Chang Shu-Fen', 'Wu Chia-Hao'],
      stems: ['Formosa Bright', 'Taichung Sunrise', 'Kaohsiung Harbour', 'Hsinchu Star', 'Jade Mountain'],
      legalForm: 'Co., Ltd.',
    },
  },
  KR: {
    market: 'industrial',
    currency: 'KRW',
    wageFactor: 3.6,
    contractMonths: [36],
    language: 'Korean',
    names: {
      households: ['Kim Min-jun', 'Lee Seo-yeon', 'Park Ji-hoon'],
      stems: ['Hanbit', 'Daeyang', 'Seohae', 'Mirae', 'Saehan'],
      legalForm: 'Co., Ltd.',
    },
  },
  JP: {
    market: 'industrial',
    currency: 'JPY',
    wageFactor: 3.3,
    contractMonths: [36, 60],
    language: 'Japanese',
    names: {
      households: ['Sato Hiroshi', 'Suzuki Yumi', 'Takahashi Kenji'],
      stems: ['Sakura', 'Midori', 'Aoba', 'Tokai', 'Hikari'],
      legalForm: 'K.K.',
    },
  },
  IL: {
    market: 'europe',
    currency: 'ILS',
    wageFactor: 3.5,
    contractMonths: [24, 36],
    language: 'Hebrew',
    names: { households: ['Cohen', 'Levi', 'Mizrahi', 'Peretz', 'Biton'], stems: ['Galilee', 'Carmel', 'Negev'], legalForm: 'Ltd' },
  },
  CY: {
    market: 'europe',
    currency: 'EUR',
    wageFactor: 1.4,
    contractMonths: [24],
    language: 'Greek',
    names: {
      households: ['Georgiou', 'Christodoulou', 'Ioannou', 'Constantinou'],
      stems: ['Troodos', 'Aphrodite', 'Limassol Bay'],
      legalForm: 'Ltd',
    },
  },
  RO: {
    market: 'europe',
    currency: 'RON',
    wageFactor: 1.8,
    contractMonths: [12, 24],
    language: 'Romanian',
    names: { households: ['Popescu'], stems: ['Carpathian', 'Danube', 'Transilvania'], legalForm: 'S.R.L.' },
  },
  HR: {
    market: 'europe',
    currency: 'EUR',
    wageFactor: 2.2,
    contractMonths: [12, 24],
    language: 'Croatian',
    names: { households: ['Horvat'], stems: ['Adriatic', 'Dalmatia', 'Istria'], legalForm: 'd.o.o.' },
  },
  PL: {
    market: 'europe',
    currency: 'PLN',
    wageFactor: 2.2,
    contractMonths: [12, 24],
    language: 'Polish',
    names: { households: ['Kowalski'], stems: ['Vistula', 'Mazovia', 'Baltic Amber'], legalForm: 'Sp. z o.o.' },
  },
  IT: {
    market: 'europe',
    currency: 'EUR',
    wageFactor: 2.8,
    contractMonths: [24],
    language: 'Italian',
    names: {
      households: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi'],
      stems: ['Olive Grove', 'Tiber', 'Lombardia'],
      legalForm: 'S.r.l.',
    },
  },
  GB: {
    market: 'anglosphere',
    currency: 'GBP',
    wageFactor: 4.5,
    contractMonths: [36],
    language: 'English',
    names: { households: ['Smith', 'Jones'], stems: ['Riverside', 'Northern Star', 'Kingsway'], legalForm: 'Ltd' },
  },
  CA: {
    market: 'anglosphere',
    currency: 'CAD',
    wageFactor: 5,
    contractMonths: [24, 36],
    language: 'English',
    names: { households: ['Tremblay', 'Martin'], stems: ['Maple Leaf', 'Prairie', 'Lakeshore'], legalForm: 'Inc.' },
  },
  US: {
    market: 'anglosphere',
    currency: 'USD',
    wageFactor: 5.5,
    contractMonths: [36],
    language: 'English',
    names: { households: ['Johnson', 'Williams'], stems: ['Liberty', 'Golden Gate', 'Lone Star'], legalForm: 'Inc.' },
  },
  AU: {
    market: 'anglosphere',
    currency: 'AUD',
    wageFactor: 5,
    contractMonths: [24, 48],
    language: 'English',
    names: { households: ['Brown', 'Wilson'], stems: ['Southern Cross', 'Coral Coast', 'Outback'], legalForm: 'Pty Ltd' },
  },
};

/**
 * Units of each currency per US dollar (rounded 2024 rates) and its minor unit (ISO 4217 exponent). The
 * generator draws wages and recruitment costs in dollars and converts with these, so SDG indicator 10.7.1
 * (recruitment cost over monthly earnings) can be computed back from the recorded amounts.
 */
export const CURRENCIES: Readonly<Record<string, { readonly perUsd: number; readonly exponent: number }>> = {
  USD: { perUsd: 1, exponent: 2 },
  SAR: { perUsd: 3.75, exponent: 2 },
  AED: { perUsd: 3.6725, exponent: 2 },
  QAR: { perUsd: 3.64, exponent: 2 },
  KWD: { perUsd: 0.307, exponent: 3 },
  OMR: { perUsd: 0.385, exponent: 3 },
  BHD: { perUsd: 0.376, exponent: 3 },
  JOD: { perUsd: 0.709, exponent: 3 },
  HKD: { perUsd: 7.8, exponent: 2 },
  SGD: { perUsd: 1.35, exponent: 2 },
  MYR: { perUsd: 4.7, exponent: 2 },
  TWD: { perUsd: 32, exponent: 2 },
  KRW: { perUsd: 1350, exponent: 0 },
  JPY: { perUsd: 150, exponent: 0 },
  ILS: { perUsd: 3.7, exponent: 2 },
  EUR: { perUsd: 0.92, exponent: 2 },
  RON: { perUsd: 4.6, exponent: 2 },
  PLN: { perUsd: 4, exponent: 2 },
  GBP: { perUsd: 0.79, exponent: 2 },
  CAD: { perUsd: 1.36, exponent: 2 },
  AUD: { perUsd: 1.52, exponent: 2 },
  PHP: { perUsd: 56, exponent: 2 },
  NPR: { perUsd: 133, exponent: 2 },
  IDR: { perUsd: 15_700, exponent: 2 },
  BDT: { perUsd: 110, exponent: 2 },
  LKR: { perUsd: 300, exponent: 2 },
};

export interface MoneyAmount {
  readonly currency: string;
  readonly amountMinor: number;
}

/** Dollars into `currency`, rounded to a figure a contract would state (whole units, tens or thousands). */
export function fromUsd(usd: number, currency: string): MoneyAmount {
  const c = CURRENCIES[currency];
  if (!c) throw new Error(`no exchange rate for ${currency}`);
  const units = usd * c.perUsd;
  const step = units >= 100_000 ? 1000 : units >= 1000 ? 10 : 1;
  const rounded = Math.max(0, Math.round(units / step) * step);
  return { currency, amountMinor: Math.round(rounded * 10 ** c.exponent) };
}

export function toUsd(money: MoneyAmount): number {
  const c = CURRENCIES[money.currency];
  if (!c) throw new Error(`no exchange rate for ${money.currency}`);
  return money.amountMinor / 10 ** c.exponent / c.perUsd;
}

/** SDG 10.7.1 for one worker: recruitment cost paid, in months of earnings abroad (undefined when either is unknown). */
export function recruitmentCostInMonthsOfWages(cost: MoneyAmount | undefined, monthlyWage: MoneyAmount | undefined): number | undefined {
  if (!cost || !monthlyWage || monthlyWage.amountMinor === 0) return undefined;
  return toUsd(cost) / toUsd(monthlyWage);
}

export type Sector =
  'household' | 'health' | 'hospitality' | 'construction' | 'manufacturing' | 'transport' | 'security' | 'agriculture' | 'fishing';

const SECTOR_NOUN: Record<Exclude<Sector, 'household'>, readonly string[]> = {
  health: ['General Hospital', 'Medical Centre', 'Care Home', 'Nursing Services'],
  hospitality: ['Hotel & Resort', 'Catering Services', 'Restaurants', 'Hospitality Group'],
  construction: ['Contracting', 'Construction', 'Building & Engineering', 'Civil Works'],
  manufacturing: ['Industries', 'Electronics', 'Precision Manufacturing', 'Garments', 'Metal Works'],
  transport: ['Transport', 'Logistics', 'Limousine Services', 'Freight'],
  security: ['Security Services', 'Facility Management', 'Guarding Services'],
  agriculture: ['Plantations', 'Agro Farms', 'Estates'],
  fishing: ['Fisheries', 'Marine Products', 'Deep Sea Fishing'],
};

export function employerName(random: Random, destination: string, sector: Sector): string {
  const naming = DESTINATIONS[destination]!.names;
  if (sector === 'household') return `Household of ${random.pick(naming.households)}`;
  return `${random.pick(naming.stems)} ${random.pick(SECTOR_NOUN[sector])} ${naming.legalForm}`;
}
