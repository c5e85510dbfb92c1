/**
 * Tencent Cloud regions offered when importing instances, and the check of the
 * `cvmDoctor.tencent.regions` setting (or a CLI's region list).
 */
import { isRegion } from '../core/validate';

/** Common public regions (the API's region IDs), most used first. */
export const COMMON_REGIONS: readonly string[] = [
  'ap-guangzhou', 'ap-shanghai', 'ap-beijing', 'ap-chengdu', 'ap-chongqing', 'ap-nanjing',
  'ap-hongkong', 'ap-singapore', 'ap-seoul', 'ap-tokyo', 'ap-bangkok', 'ap-jakarta',
  'na-siliconvalley', 'na-ashburn', 'eu-frankfurt', 'sa-saopaulo',
];

/** The setting's value split into usable region IDs and entries that are not region IDs. */
export function parseRegions(value: unknown): { regions: string[]; invalid: string[] } {
  const list = Array.isArray(value) ? value : [];
  const regions: string[] = [];
  const invalid: string[] = [];
  for (const v of list) {
    const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
    if (s && isRegion(s)) {
      if (!regions.includes(s)) regions.push(s);
    } else {
      invalid.push(String(v));
    }
  }
  return { regions, invalid };
}
