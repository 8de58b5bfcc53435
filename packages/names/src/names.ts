/**
 * Personal names and document numbers as the registry compares them. A worker's name reaches the registry
 * through many hands — a passport office, a recruitment agency abroad, a mission's clerk, an airport desk —
 * and each writes it in Latin letters its own way: Mohammad, Muhammad, Mohamed; Lakshmi, Laxmi; Soekarno,
 * Sukarno; José, Jose. Search and duplicate checks compare two keys of a name: the normalised spelling,
 * and a skeleton that such spellings tend to share. Pure functions; the trigram matching is PostgreSQL's.
 */

/**
 * Lower case, no diacritics, no punctuation, single spaces: "José  María Dela-Cruz" → "jose maria dela cruz".
 * Only Latin letters lose their marks: in Devanagari, Bengali or Sinhala the vowel signs are letters' parts.
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

/** Document numbers compare without spaces, dashes or case: "p-123 456a" → "P123456A"; null when nothing is left. */
export function normaliseDocument(value: string | undefined | null): string | null {
  const cleaned = value?.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return cleaned ? cleaned : null;
}

/**
 * Spellings that romanisations of one sound differ by, in the order they are rewritten: digraphs of
 * aspirated consonants (Devanagari and Bengali names: Bhattarai, Dhakal, Khadka), the old Dutch-Indonesian
 * spelling (Djoko → Joko, Tjahjadi → Cahyadi), and letters that stand in for one another (Laxmi/Lakshmi,
 * Zainab/Sainab, Devi/Dewi, Qadir/Kadir, Philip/Filip).
 */
const REWRITES: readonly (readonly [RegExp, string])[] = [
  [/dj/g, 'j'],
  [/tj/g, 'c'],
  [/sj/g, 's'],
  [/ph/g, 'f'],
  [/bh/g, 'b'],
  [/dh/g, 'd'],
  [/gh/g, 'g'],
  [/jh/g, 'j'],
  [/kh/g, 'k'],
  [/th/g, 't'],
  [/sh/g, 's'],
  [/ch/g, 'c'],
  [/ck/g, 'k'],
  [/q/g, 'k'],
  [/x/g, 'ks'],
  [/ks/g, 'x'],
  [/z/g, 's'],
  [/[vw]/g, 'b'],
  // Vowels are where romanisations differ most (Mohammad/Muhammad, Hossain/Hussain, Rahman/Rehman).
  [/[aeiouy]/g, ''],
  [/(.)\1+/g, '$1'],
];

/** The skeleton of one normalised word; a word of vowels only keeps its spelling, so it still says something. */
function wordSkeleton(word: string): string {
  let skeleton = word;
  for (const [pattern, replacement] of REWRITES) skeleton = skeleton.replace(pattern, replacement);
  return skeleton === '' ? word : skeleton;
}

/**
 * A key of a name that its romanisations tend to share, word by word: "Muhammad Hossain" and "Mohamed
 * Hussain" are both "mhmd hsn". It errs towards finding too much (Maria and Mario share one too), so it
 * finds candidates and never decides alone: a search ranks by both keys, and an officer decides.
 * Letters outside the Latin alphabet pass through unchanged.
 */
export function nameSkeleton(name: string): string {
  return normaliseName(name)
    .split(' ')
    .filter((word) => word !== '')
    .map(wordSkeleton)
    .join(' ');
}
