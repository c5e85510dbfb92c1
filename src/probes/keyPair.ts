/**
 * A fresh SSH key pair that ssh2 itself can read back. ssh2 1.17's generateKeyPairSync
 * returns an ed25519 pair that its own parseKey rejects ("Malformed OpenSSH private key")
 * about once in 300 calls, so the demo's servers and the tests' keys are checked and drawn
 * again (a bounded number of times) instead of failing at random.
 */
import { utils } from 'ssh2';

type KeyType = 'ed25519' | 'ecdsa' | 'rsa';
/** ssh2's options: bits (RSA, ECDSA), and a passphrase with its cipher and rounds. */
interface Options { bits?: number; passphrase?: string; cipher?: string; rounds?: number; comment?: string }
type Generate = (type: KeyType, options?: Options) => { private: string; public: string };

const MAX_DRAWS = 20;

export function generateKeyPair(type: KeyType, options?: Options): { private: string; public: string } {
  for (let i = 0; i < MAX_DRAWS; i++) {
    // ssh2's typings tie options to one key type per overload; at run time it takes them all.
    const pair = (utils.generateKeyPairSync as unknown as Generate)(type, options);
    if (!(utils.parseKey(pair.private, options?.passphrase) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error(`no usable ${type} key pair in ${MAX_DRAWS} draws`);
}
