import type { Random, Weighted } from './random';

/**
 * Origin-country profiles. The share of women is DOMAIN.md's scale table; destinations, origin areas
 * (ISO 3166-2 subdivisions), channels, recruitment costs and re-migration are rounded from the public
 * statistics of each country's overseas-employment authority, to give plausible, not exact, figures.
 */
export type OriginCountry = 'PH' | 'NP' | 'ID' | 'BD' | 'LK';
export const ORIGIN_COUNTRIES: readonly OriginCountry[] = ['PH', 'NP', 'ID', 'BD', 'LK'];

export interface CountryProfile {
  readonly code: OriginCountry;
  readonly name: string;
  /** DOMAIN.md, "Scale". */
  readonly womenShare: number;
  readonly currency: string;
  /** Subdivision code → relative weight among migrant workers, and its name. */
  readonly areas: readonly (readonly [code: string, weight: number, name: string])[];
  readonly destinations: { readonly F: Weighted<string>; readonly M: Weighted<string> };
  /** ISCO unit groups more (or less) common among this country's workers than the market alone says. */
  readonly occupationBias?: Readonly<Record<string, number>>;
  /** Share of recorded departures through an irregular channel. */
  readonly irregularShare: number;
  /** Share of workers whose first cycle the registry only learns of at the return (no recorded departure). */
  readonly undocumentedShare: number;
  /** Chances of a second and of a third cycle after a return home. */
  readonly remigration: { readonly second: number; readonly third: number };
  /** Of re-migrants, the share who go back to the same employer after a short home leave (rehires). */
  readonly sameEmployerShare: number;
  /** Recruitment cost paid by the worker, in months of wages abroad (median, and the share who pay nothing). */
  readonly recruitmentCost: { readonly F: CostShape; readonly M: CostShape };
  readonly education: Weighted<number>;
  readonly languages: (random: Random) => string[];
  readonly names: {
    readonly F: readonly string[];
    readonly M: readonly string[];
    readonly family: readonly string[];
    readonly familyF?: readonly string[];
  };
  readonly agencies: readonly string[];
  readonly orientationProvider: (areaName: string, random: Random) => string;
  /** Median age at the first departure, by sex. */
  readonly medianAge: { readonly F: number; readonly M: number };
  readonly documents: (serial: number, sex: 'F' | 'M', dateOfBirth: string, area: string, random: Random) => Documents;
}

export interface CostShape {
  readonly medianMonths: number;
  readonly zeroShare: number;
}

export interface Documents {
  readonly nationalId: string;
  readonly passportNumber: string;
  readonly phone: string;
}

const digits = (random: Random, n: number) => Array.from({ length: n }, () => random.int(0, 9)).join('');
const pad = (value: number, width: number) => String(value).padStart(width, '0').slice(-width);

export const COUNTRY_PROFILES: Readonly<Record<OriginCountry, CountryProfile>> = {
  PH: {
    code: 'PH',
    name: 'Philippines',
    womenShare: 0.5,
    currency: 'PHP',
    areas: [
      ['PH-40', 19, 'Region IV-A'],
      ['PH-03', 14, 'Region III'],
      ['PH-00', 9, 'NCR'],
      ['PH-01', 8, 'Region I'],
      ['PH-06', 8, 'Region VI'],
      ['PH-07', 6, 'Region VII'],
      ['PH-02', 6, 'Region II'],
      ['PH-12', 5, 'Region XII'],
      ['PH-10', 4, 'Region X'],
      ['PH-11', 4, 'Region XI'],
      ['PH-05', 4, 'Region V'],
      ['PH-14', 3, 'BARMM'],
      ['PH-08', 2.5, 'Region VIII'],
      ['PH-09', 2.5, 'Region IX'],
      ['PH-41', 2, 'MIMAROPA'],
      ['PH-15', 2, 'CAR'],
      ['PH-13', 1.5, 'Caraga'],
    ],
    destinations: {
      F: [
        ['HK', 20],
        ['SA', 18],
        ['AE', 14],
        ['KW', 10],
        ['SG', 10],
        ['TW', 6],
        ['QA', 5],
        ['JP', 4],
        ['OM', 2],
        ['BH', 2],
        ['MY', 2],
        ['CA', 2],
        ['GB', 2],
        ['IT', 2],
        ['US', 1],
      ],
      M: [
        ['SA', 30],
        ['AE', 16],
        ['QA', 10],
        ['TW', 8],
        ['JP', 6],
        ['KR', 5],
        ['KW', 4],
        ['SG', 4],
        ['OM', 3],
        ['CA', 3],
        ['BH', 2],
        ['MY', 2],
        ['US', 2],
        ['AU', 2],
        ['PL', 2],
        ['GB', 1],
      ],
    },
    occupationBias: { '2221': 3, '5322': 1.3 },
    irregularShare: 0.03,
    undocumentedShare: 0.02,
    remigration: { second: 0.75, third: 0.7 },
    sameEmployerShare: 0.6,
    recruitmentCost: { F: { medianMonths: 0.7, zeroShare: 0.35 }, M: { medianMonths: 1, zeroShare: 0.1 } },
    education: [
      [0, 1],
      [1, 3],
      [2, 12],
      [3, 35],
      [4, 10],
      [5, 5],
      [6, 30],
      [7, 4],
    ],
    languages: (r) => (r.chance(0.85) ? ['tl', 'en'] : ['tl']),
    names: {
      F: [
        'Maria',
        'Ana',
        'Rosario',
        'Grace',
        'Luz',
        'Jocelyn',
        'Marites',
        'Rowena',
        'Cristina',
        'Lorna',
        'Janet',
        'Mary Jane',
        'Analyn',
        'Rhea',
      ],
      M: ['Jose', 'Juan', 'Pedro', 'Rodel', 'Ronaldo', 'Mark', 'Jayson', 'Reynaldo', 'Eduardo', 'Ariel', 'Romeo', 'Danilo', 'Noel'],
      family: [
        'Santos',
        'Reyes',
        'Cruz',
        'Bautista',
        'Garcia',
        'Mendoza',
        'Dela Cruz',
        'Villanueva',
        'Ramos',
        'Aquino',
        'Castillo',
        'Torres',
        'Flores',
        'Gonzales',
        'Navarro',
        'Domingo',
        'Pascual',
        'Manalo',
      ],
    },
    agencies: [
      'Manila Overseas Placement Inc.',
      'Luzon Manpower Services Corp.',
      'Visayas International Recruitment Agency',
      'Pacific Star Placement Agency Inc.',
      'Golden Bridge Manpower Inc.',
      'Mindanao Global Employment Services',
      'Ilocos Overseas Staffing Corp.',
    ],
    orientationProvider: (area, r) => (r.chance(0.8) ? `OWWA Regional Welfare Office ${area}` : `DMW-accredited PDOS provider, ${area}`),
    medianAge: { F: 31, M: 30 },
    documents: (serial, _sex, _dob, _area, r) => {
      const pcn = `${digits(r, 4)}${pad(serial, 9)}${digits(r, 3)}`;
      return {
        nationalId: `${pcn.slice(0, 4)}-${pcn.slice(4, 8)}-${pcn.slice(8, 12)}-${pcn.slice(12)}`,
        passportNumber: `P${pad(serial, 7)}${String.fromCharCode(65 + r.int(0, 25))}`,
        phone: `+63 9${digits(r, 2)} ${digits(r, 3)} ${digits(r, 4)}`,
      };
    },
  },
  NP: {
    code: 'NP',
    name: 'Nepal',
    womenShare: 0.09,
    currency: 'NPR',
    areas: [
      ['NP-P2', 25, 'Madhesh'],
      ['NP-P1', 20, 'Koshi'],
      ['NP-P5', 20, 'Lumbini'],
      ['NP-P3', 10, 'Bagmati'],
      ['NP-P4', 9, 'Gandaki'],
      ['NP-P7', 9, 'Sudurpashchim'],
      ['NP-P6', 7, 'Karnali'],
    ],
    destinations: {
      F: [
        ['AE', 30],
        ['KW', 20],
        ['QA', 12],
        ['MY', 8],
        ['JO', 8],
        ['CY', 7],
        ['IL', 5],
        ['JP', 5],
        ['SA', 3],
        ['LB', 2],
      ],
      M: [
        ['MY', 26],
        ['SA', 20],
        ['QA', 18],
        ['AE', 17],
        ['KW', 5],
        ['JP', 4],
        ['KR', 4],
        ['RO', 3],
        ['HR', 3],
        ['BH', 2],
        ['PL', 2],
        ['OM', 1],
      ],
    },
    irregularShare: 0.06,
    undocumentedShare: 0.06,
    remigration: { second: 0.5, third: 0.4 },
    sameEmployerShare: 0.25,
    recruitmentCost: { F: { medianMonths: 1.5, zeroShare: 0.15 }, M: { medianMonths: 3.5, zeroShare: 0.03 } },
    education: [
      [0, 12],
      [1, 20],
      [2, 30],
      [3, 28],
      [4, 3],
      [6, 6],
      [7, 1],
    ],
    languages: (r) => ['ne', ...(r.chance(0.2) ? ['hi'] : []), ...(r.chance(0.25) ? ['en'] : [])],
    names: {
      F: ['Sita', 'Gita', 'Sarita', 'Sunita', 'Kamala', 'Laxmi', 'Radha', 'Maya', 'Bimala', 'Anita', 'Sabina', 'Pramila'],
      M: [
        'Ram',
        'Hari',
        'Bishnu',
        'Krishna',
        'Suman',
        'Bikash',
        'Dipak',
        'Santosh',
        'Ramesh',
        'Rajesh',
        'Prakash',
        'Dil Bahadur',
        'Min Bahadur',
      ],
      family: [
        'Shrestha',
        'Gurung',
        'Tamang',
        'Rai',
        'Limbu',
        'Magar',
        'Thapa',
        'Yadav',
        'Sah',
        'Chaudhary',
        'Karki',
        'Adhikari',
        'Khadka',
        'Sherpa',
        'Bhandari',
        'Poudel',
      ],
    },
    agencies: [
      'Himalayan Overseas Pvt. Ltd.',
      'Everest Manpower Services Pvt. Ltd.',
      'Kathmandu Employment Agency Pvt. Ltd.',
      'Annapurna Human Resources Pvt. Ltd.',
      'Terai Overseas Placement Pvt. Ltd.',
    ],
    orientationProvider: (area) => `Foreign Employment Board orientation centre, ${area}`,
    medianAge: { F: 30, M: 27 },
    documents: (serial, _sex, _dob, _area, r) => ({
      nationalId: `${pad(r.int(1, 77), 2)}-${pad(r.int(1, 99), 2)}-${pad(r.int(60, 81), 2)}-${pad(serial, 6)}`,
      passportNumber: `PA${pad(serial, 7)}`,
      phone: `+977 98${digits(r, 8)}`,
    }),
  },
  ID: {
    code: 'ID',
    name: 'Indonesia',
    womenShare: 0.62,
    currency: 'IDR',
    areas: [
      ['ID-JI', 24, 'Jawa Timur'],
      ['ID-JT', 22, 'Jawa Tengah'],
      ['ID-JB', 18, 'Jawa Barat'],
      ['ID-NB', 11, 'Nusa Tenggara Barat'],
      ['ID-LA', 6, 'Lampung'],
      ['ID-SU', 4, 'Sumatera Utara'],
      ['ID-BA', 3, 'Bali'],
      ['ID-BT', 3, 'Banten'],
      ['ID-NT', 3, 'Nusa Tenggara Timur'],
      ['ID-SS', 2, 'Sumatera Selatan'],
      ['ID-YO', 2, 'DI Yogyakarta'],
      ['ID-SN', 2, 'Sulawesi Selatan'],
    ],
    destinations: {
      F: [
        ['HK', 38],
        ['TW', 28],
        ['MY', 16],
        ['SG', 8],
        ['SA', 3],
        ['AE', 2],
        ['JP', 2],
        ['KR', 1],
        ['PL', 1],
        ['IT', 1],
      ],
      M: [
        ['MY', 40],
        ['TW', 22],
        ['KR', 16],
        ['JP', 14],
        ['SA', 2],
        ['AE', 2],
        ['PL', 2],
        ['HK', 1],
        ['SG', 1],
      ],
    },
    irregularShare: 0.08,
    undocumentedShare: 0.08,
    remigration: { second: 0.45, third: 0.4 },
    sameEmployerShare: 0.35,
    recruitmentCost: { F: { medianMonths: 1.5, zeroShare: 0.2 }, M: { medianMonths: 2, zeroShare: 0.12 } },
    education: [
      [0, 3],
      [1, 25],
      [2, 35],
      [3, 32],
      [6, 5],
    ],
    languages: (r) => ['id', ...(r.chance(0.4) ? ['jv'] : []), ...(r.chance(0.1) ? ['en'] : [])],
    names: {
      F: ['Siti', 'Dewi', 'Sri', 'Nur', 'Wulan', 'Ratna', 'Eka', 'Yuli', 'Rina', 'Sumiati', 'Ani', 'Tri'],
      M: ['Budi', 'Agus', 'Slamet', 'Joko', 'Bambang', 'Eko', 'Rizal', 'Andi', 'Hendra', 'Yusuf', 'Ahmad', 'Dedi'],
      family: [
        'Wati',
        'Lestari',
        'Rahayu',
        'Susanti',
        'Handayani',
        'Purnomo',
        'Santoso',
        'Wijaya',
        'Saputra',
        'Hidayat',
        'Setiawan',
        'Kurniawan',
        'Nugroho',
        'Siregar',
        'Nasution',
      ],
    },
    agencies: [
      'PT Jaya Karya Mandiri',
      'PT Sinar Bahari Tenaga Kerja',
      'PT Mitra Sejahtera Abadi',
      'PT Cahaya Buruh Migran',
      'PT Nusantara Karya Utama',
    ],
    orientationProvider: (area) => `BP2MI service unit, ${area}`,
    medianAge: { F: 29, M: 27 },
    documents: (serial, sex, dob, area, r) => {
      // NIK: province, regency, district, then the birth date (day + 40 for women) and a serial.
      const province: Record<string, string> = {
        'ID-JI': '35',
        'ID-JT': '33',
        'ID-JB': '32',
        'ID-NB': '52',
        'ID-LA': '18',
        'ID-SU': '12',
        'ID-BA': '51',
        'ID-BT': '36',
        'ID-NT': '53',
        'ID-SS': '16',
        'ID-YO': '34',
        'ID-SN': '73',
      };
      const day = Number(dob.slice(8, 10)) + (sex === 'F' ? 40 : 0);
      return {
        nationalId: `${province[area] ?? '31'}${pad(r.int(1, 29), 2)}${pad(r.int(1, 30), 2)}${pad(day, 2)}${dob.slice(5, 7)}${dob.slice(2, 4)}${pad(serial, 4)}`,
        passportNumber: `C${pad(serial, 7)}`,
        phone: `+62 8${digits(r, 2)} ${digits(r, 4)} ${digits(r, 4)}`,
      };
    },
  },
  BD: {
    code: 'BD',
    name: 'Bangladesh',
    womenShare: 0.08,
    currency: 'BDT',
    areas: [
      ['BD-B', 31, 'Chattogram'],
      ['BD-C', 29, 'Dhaka'],
      ['BD-G', 8, 'Sylhet'],
      ['BD-D', 8, 'Khulna'],
      ['BD-E', 8, 'Rajshahi'],
      ['BD-H', 6, 'Mymensingh'],
      ['BD-A', 5, 'Barishal'],
      ['BD-F', 5, 'Rangpur'],
    ],
    destinations: {
      F: [
        ['SA', 45],
        ['JO', 25],
        ['OM', 10],
        ['AE', 8],
        ['LB', 6],
        ['QA', 3],
        ['KW', 2],
        ['HK', 1],
      ],
      M: [
        ['SA', 52],
        ['OM', 15],
        ['AE', 9],
        ['MY', 8],
        ['SG', 5],
        ['QA', 4],
        ['KW', 3],
        ['BH', 2],
        ['MV', 2],
        ['JO', 1],
        ['KR', 1],
      ],
    },
    occupationBias: { '8153': 4 },
    irregularShare: 0.08,
    undocumentedShare: 0.07,
    remigration: { second: 0.4, third: 0.35 },
    sameEmployerShare: 0.25,
    recruitmentCost: { F: { medianMonths: 2, zeroShare: 0.1 }, M: { medianMonths: 9, zeroShare: 0.01 } },
    education: [
      [0, 15],
      [1, 30],
      [2, 30],
      [3, 18],
      [4, 2],
      [6, 5],
    ],
    languages: (r) => ['bn', ...(r.chance(0.15) ? ['en'] : [])],
    names: {
      F: ['Fatema', 'Rokeya', 'Nasrin', 'Shahana', 'Rina', 'Salma', 'Jesmin', 'Taslima', 'Ayesha', 'Morium'],
      M: ['Mohammad', 'Abdul', 'Kamal', 'Rafiq', 'Jahangir', 'Shahidul', 'Mizanur', 'Habibur', 'Alamgir', 'Sumon', 'Rashed', 'Nurul'],
      family: ['Rahman', 'Hossain', 'Islam', 'Ahmed', 'Uddin', 'Khan', 'Miah', 'Sarker', 'Chowdhury', 'Alam', 'Mollah', 'Sheikh'],
      familyF: ['Akter', 'Begum', 'Khatun', 'Rahman', 'Islam', 'Sultana'],
    },
    agencies: [
      'Dhaka Overseas Recruiting Agency Ltd.',
      'Bengal Star International',
      'Chattogram Manpower Services',
      'Padma Overseas Ltd.',
      'Meghna Human Resources',
    ],
    orientationProvider: (area) => `BMET Technical Training Centre, ${area}`,
    medianAge: { F: 30, M: 27 },
    documents: (serial, _sex, _dob, _area, r) => ({
      nationalId: `${digits(r, 3)}${pad(serial, 7)}`,
      passportNumber: `A${pad(serial, 8)}`,
      phone: `+880 1${r.int(3, 9)}${digits(r, 8)}`,
    }),
  },
  LK: {
    code: 'LK',
    name: 'Sri Lanka',
    womenShare: 0.41,
    currency: 'LKR',
    areas: [
      ['LK-1', 30, 'Western'],
      ['LK-6', 13, 'North Western'],
      ['LK-2', 12, 'Central'],
      ['LK-3', 10, 'Southern'],
      ['LK-5', 10, 'Eastern'],
      ['LK-9', 8, 'Sabaragamuwa'],
      ['LK-7', 6, 'North Central'],
      ['LK-8', 5, 'Uva'],
      ['LK-4', 5, 'Northern'],
    ],
    destinations: {
      F: [
        ['KW', 30],
        ['SA', 18],
        ['AE', 15],
        ['QA', 7],
        ['JO', 6],
        ['IL', 6],
        ['OM', 5],
        ['CY', 4],
        ['JP', 3],
        ['LB', 2],
        ['KR', 1],
      ],
      M: [
        ['QA', 25],
        ['AE', 14],
        ['SA', 13],
        ['KW', 12],
        ['KR', 9],
        ['JP', 8],
        ['IL', 5],
        ['OM', 4],
        ['MV', 4],
        ['MY', 3],
        ['RO', 3],
      ],
    },
    irregularShare: 0.05,
    undocumentedShare: 0.04,
    remigration: { second: 0.5, third: 0.4 },
    sameEmployerShare: 0.35,
    recruitmentCost: { F: { medianMonths: 0.6, zeroShare: 0.35 }, M: { medianMonths: 2, zeroShare: 0.05 } },
    education: [
      [0, 2],
      [1, 10],
      [2, 38],
      [3, 38],
      [4, 4],
      [6, 7],
      [7, 1],
    ],
    languages: (r) => [r.chance(0.75) ? 'si' : 'ta', ...(r.chance(0.3) ? ['en'] : [])],
    names: {
      F: ['Kumari', 'Nirmala', 'Chandrika', 'Dilani', 'Shyamali', 'Priyanka', 'Malani', 'Sandya', 'Fathima', 'Vasanthi', 'Lakshmi'],
      M: ['Nimal', 'Sunil', 'Kamal', 'Pradeep', 'Chaminda', 'Ruwan', 'Nuwan', 'Mohamed', 'Suresh', 'Rajan', 'Asanka'],
      family: [
        'Perera',
        'Fernando',
        'de Silva',
        'Bandara',
        'Kumara',
        'Jayasinghe',
        'Wickramasinghe',
        'Herath',
        'Dissanayake',
        'Gunawardena',
        'Ratnayake',
        'Sivakumar',
        'Rajendran',
        'Mohamed',
      ],
    },
    agencies: [
      'Lanka Overseas Employment Agency (Pvt) Ltd',
      'Ceylon Gateway Manpower',
      'Colombo International Recruiting (Pvt) Ltd',
      'Kandy Foreign Employment Services',
      'Ruhuna Overseas Placement',
    ],
    orientationProvider: (area) => `SLBFE training centre, ${area} Province`,
    medianAge: { F: 35, M: 29 },
    documents: (serial, sex, dob, _area, r) => {
      // New NIC: birth year, day of the year (plus 500 for women), then a serial.
      const start = Date.UTC(Number(dob.slice(0, 4)), 0, 1);
      const dayOfYear = Math.round((Date.parse(`${dob}T00:00:00Z`) - start) / 86_400_000) + 1 + (sex === 'F' ? 500 : 0);
      return {
        nationalId: `${dob.slice(0, 4)}${pad(dayOfYear, 3)}${pad(serial, 5)}`,
        passportNumber: `N${pad(serial, 7)}`,
        phone: `+94 7${r.int(0, 8)} ${digits(r, 3)} ${digits(r, 4)}`,
      };
    },
  },
};
