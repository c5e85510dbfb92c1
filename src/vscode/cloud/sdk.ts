/**
 * The Tencent Cloud SDK is the heaviest part of the bundle: it is loaded the first time a
 * cloud feature runs, never at activation (most sessions never touch the cloud).
 */
export const loadCloud = () => import('../../cloud');
