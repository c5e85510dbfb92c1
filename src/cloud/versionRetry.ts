/**
 * A change to a rule list that carries a version (a security group's policy set, a Lighthouse
 * instance's firewall): read, then write at the version just read; when another change came in
 * between (the API's version conflict), read again and retry — at most MAX_VERSION_ATTEMPTS
 * times, then the conflict is passed on. One loop for adding and removing, in both fixes.
 */

/** How many times a write is tried at a freshly read version. */
export const MAX_VERSION_ATTEMPTS = 3;

export async function atReadVersion<S, T>(o: {
  read: () => Promise<S>;
  /** The change at the state read; it may also decide there is nothing to write. */
  write: (state: S) => Promise<T>;
  conflict: (e: unknown) => boolean;
  /** Before reading again (a log line). */
  retrying?: (state: S) => void;
}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const state = await o.read();
    try {
      return await o.write(state);
    } catch (e) {
      if (!o.conflict(e) || attempt >= MAX_VERSION_ATTEMPTS) throw e;
      o.retrying?.(state);
    }
  }
}
