// Declarations for the independent verifier the credentials tests use (it ships no types).
declare module '@digitalcredentials/vc' {
  export function verifyCredential(options: object): Promise<{ verified: boolean; error?: Error; statusResult?: { verified: boolean } }>;
}
declare module '@digitalcredentials/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown });
  }
}
declare module '@digitalcredentials/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalcredentials/jsonld' {
  export function canonize(input: object, options: object): Promise<string>;
}
declare module 'base58-universal' {
  export function decode(input: string): Uint8Array;
}
