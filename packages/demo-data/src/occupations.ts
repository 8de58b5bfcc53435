import type { Market, Sector } from './destinations';
import type { Weighted } from './random';

/**
 * Occupations of migrant workers as ISCO-08 unit groups (four characters, never numbers), with the
 * sector their employers are in, a typical monthly wage in the Gulf (USD), and skills learnt on the job,
 * titled the way ESCO titles skills. No ESCO URIs: we do not make up identifiers of a real classification.
 */
export interface Occupation {
  readonly title: string;
  readonly sector: Sector;
  readonly gulfWageUsd: number;
  readonly workProcesses: readonly string[];
  readonly technologies: readonly string[];
}

const care = ['assist elderly with daily activities', 'monitor health status of the care recipient', 'administer prescribed medication'];
const kitchen = ['apply food safety and hygiene', 'prepare ready-made dishes', 'store food supplies'];
const building = ['read construction drawings', 'work safely at height', 'apply concrete finishing'];

export const OCCUPATIONS: Readonly<Record<string, Occupation>> = {
  '9111': {
    title: 'Domestic cleaners and helpers',
    sector: 'household',
    gulfWageUsd: 400,
    workProcesses: ['perform cleaning duties', 'iron textiles', 'supervise children', 'prepare ready-made dishes', 'wash the laundry'],
    technologies: ['operate household appliances', 'use cleaning equipment'],
  },
  '5322': {
    title: 'Home-based personal care workers',
    sector: 'household',
    gulfWageUsd: 450,
    workProcesses: care,
    technologies: ['use patient lifting equipment'],
  },
  '5321': {
    title: 'Health care assistants',
    sector: 'health',
    gulfWageUsd: 550,
    workProcesses: ['take vital signs', 'assist patients with mobility', ...care.slice(0, 1)],
    technologies: ['use electronic health records'],
  },
  '2221': {
    title: 'Nursing professionals',
    sector: 'health',
    gulfWageUsd: 1300,
    workProcesses: ['provide nursing care', 'apply infection control', 'perform wound care'],
    technologies: ['use electronic health records', 'operate infusion pumps'],
  },
  '9112': {
    title: 'Cleaners and helpers in offices, hotels and other establishments',
    sector: 'hospitality',
    gulfWageUsd: 380,
    workProcesses: ['clean rooms', 'handle cleaning chemical agents'],
    technologies: ['operate floor cleaning machines'],
  },
  '5131': {
    title: 'Waiters',
    sector: 'hospitality',
    gulfWageUsd: 450,
    workProcesses: ['serve food and beverages', 'welcome guests', 'apply food safety and hygiene'],
    technologies: ['operate point-of-sale systems'],
  },
  '5120': {
    title: 'Cooks',
    sector: 'hospitality',
    gulfWageUsd: 600,
    workProcesses: kitchen,
    technologies: ['operate commercial kitchen equipment'],
  },
  '5141': {
    title: 'Hairdressers',
    sector: 'hospitality',
    gulfWageUsd: 500,
    workProcesses: ['cut hair', 'apply hair colouring'],
    technologies: ['use hairdressing equipment'],
  },
  '8153': {
    title: 'Sewing machine operators',
    sector: 'manufacturing',
    gulfWageUsd: 350,
    workProcesses: ['operate sewing machines', 'inspect product quality'],
    technologies: ['operate industrial sewing machines'],
  },
  '8212': {
    title: 'Electrical and electronic equipment assemblers',
    sector: 'manufacturing',
    gulfWageUsd: 400,
    workProcesses: ['assemble electronic components', 'inspect product quality', 'apply lean manufacturing'],
    technologies: ['use soldering equipment', 'operate surface-mount assembly lines'],
  },
  '9329': {
    title: 'Manufacturing labourers not elsewhere classified',
    sector: 'manufacturing',
    gulfWageUsd: 350,
    workProcesses: ['pack goods', 'inspect product quality', 'apply workplace safety procedures'],
    technologies: ['operate forklift'],
  },
  '7233': {
    title: 'Agricultural and industrial machinery mechanics and repairers',
    sector: 'manufacturing',
    gulfWageUsd: 600,
    workProcesses: ['maintain industrial machinery', 'diagnose mechanical faults'],
    technologies: ['operate CNC machines'],
  },
  '7212': {
    title: 'Welders and flamecutters',
    sector: 'manufacturing',
    gulfWageUsd: 550,
    workProcesses: ['perform arc welding', 'perform MIG and MAG welding', 'read welding symbols'],
    technologies: ['operate welding equipment'],
  },
  '9313': {
    title: 'Building construction labourers',
    sector: 'construction',
    gulfWageUsd: 330,
    workProcesses: ['erect scaffolding', 'mix concrete', ...building.slice(1, 2)],
    technologies: ['operate power tools'],
  },
  '7112': {
    title: 'Bricklayers and related workers',
    sector: 'construction',
    gulfWageUsd: 450,
    workProcesses: ['lay bricks', 'apply plaster', ...building],
    technologies: ['operate power tools'],
  },
  '7115': {
    title: 'Carpenters and joiners',
    sector: 'construction',
    gulfWageUsd: 480,
    workProcesses: ['build formwork', 'install timber elements', ...building.slice(0, 1)],
    technologies: ['operate woodworking machinery'],
  },
  '7126': {
    title: 'Plumbers and pipe fitters',
    sector: 'construction',
    gulfWageUsd: 500,
    workProcesses: ['install plumbing pipes', 'test pipework for leaks', ...building.slice(0, 1)],
    technologies: ['use pipe threading machines'],
  },
  '7411': {
    title: 'Building and related electricians',
    sector: 'construction',
    gulfWageUsd: 550,
    workProcesses: ['install electrical wiring', 'test electrical installations', ...building.slice(0, 1)],
    technologies: ['use electrical testing instruments'],
  },
  '7231': {
    title: 'Motor vehicle mechanics and repairers',
    sector: 'transport',
    gulfWageUsd: 600,
    workProcesses: ['perform vehicle maintenance', 'diagnose engine faults'],
    technologies: ['use vehicle diagnostic equipment'],
  },
  '8322': {
    title: 'Car, taxi and van drivers',
    sector: 'transport',
    gulfWageUsd: 500,
    workProcesses: ['drive in urban areas', 'perform basic vehicle maintenance', 'plan delivery routes'],
    technologies: ['use GPS navigation systems'],
  },
  '8332': {
    title: 'Heavy truck and lorry drivers',
    sector: 'transport',
    gulfWageUsd: 650,
    workProcesses: ['drive heavy goods vehicles', 'secure cargo in vehicles'],
    technologies: ['use GPS navigation systems', 'use tachographs'],
  },
  '5414': {
    title: 'Security guards',
    sector: 'security',
    gulfWageUsd: 420,
    workProcesses: ['patrol areas', 'apply first aid'],
    technologies: ['operate CCTV systems'],
  },
  '9211': {
    title: 'Crop farm labourers',
    sector: 'agriculture',
    gulfWageUsd: 300,
    workProcesses: ['harvest crops', 'apply pesticides safely', 'prune plants'],
    technologies: ['operate agricultural machinery'],
  },
  '6222': {
    title: 'Inland and coastal waters fishery workers',
    sector: 'fishing',
    gulfWageUsd: 400,
    workProcesses: ['handle fishing nets', 'maintain fishing gear', 'follow safety at sea procedures'],
    technologies: ['operate deck machinery'],
  },
};

type Sexes = 'F' | 'M';

/** Which jobs each market offers women and men (relative weights). */
export const OCCUPATIONS_BY_MARKET: Readonly<Record<Market, Readonly<Record<Sexes, Weighted<string>>>>> = {
  gulf: {
    F: [
      ['9111', 68],
      ['5322', 6],
      ['5321', 4],
      ['2221', 3],
      ['9112', 7],
      ['5131', 4],
      ['5141', 2],
      ['8153', 6],
    ],
    M: [
      ['9313', 20],
      ['7112', 12],
      ['8322', 14],
      ['8332', 6],
      ['7126', 6],
      ['7411', 7],
      ['7212', 6],
      ['5414', 6],
      ['5120', 5],
      ['5131', 4],
      ['9112', 5],
      ['7231', 5],
      ['7115', 4],
    ],
  },
  domestic_hub: {
    F: [
      ['9111', 88],
      ['5322', 7],
      ['5131', 3],
      ['2221', 2],
    ],
    M: [
      ['9313', 25],
      ['8322', 20],
      ['5131', 15],
      ['7212', 15],
      ['9112', 10],
      ['9111', 5],
      ['5120', 10],
    ],
  },
  industrial: {
    F: [
      ['8212', 33],
      ['5322', 27],
      ['9329', 18],
      ['8153', 10],
      ['5131', 6],
      ['2221', 3],
      ['9111', 3],
    ],
    M: [
      ['9329', 28],
      ['7212', 15],
      ['6222', 14],
      ['9211', 9],
      ['7115', 8],
      ['7233', 10],
      ['9313', 10],
      ['8212', 6],
    ],
  },
  malaysia: {
    F: [
      ['8212', 34],
      ['9111', 30],
      ['5131', 10],
      ['9329', 16],
      ['8153', 10],
    ],
    M: [
      ['9211', 28],
      ['9329', 25],
      ['9313', 20],
      ['7112', 9],
      ['5414', 10],
      ['5131', 5],
      ['8212', 3],
    ],
  },
  europe: {
    F: [
      ['5322', 40],
      ['5131', 20],
      ['9112', 18],
      ['9111', 14],
      ['8153', 8],
    ],
    M: [
      ['8332', 26],
      ['9313', 20],
      ['7112', 14],
      ['7212', 14],
      ['5131', 10],
      ['9211', 10],
      ['5322', 6],
    ],
  },
  anglosphere: {
    F: [
      ['2221', 50],
      ['5322', 30],
      ['5131', 12],
      ['5120', 8],
    ],
    M: [
      ['7212', 25],
      ['8332', 25],
      ['5120', 15],
      ['9313', 15],
      ['2221', 10],
      ['7231', 10],
    ],
  },
};
