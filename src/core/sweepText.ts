/** What a sweep says besides the reports themselves, in English and Korean (render/sweep.ts,
 *  the CLI's progress line). */
import type { Lang } from './model';
import { format, type Bilingual, type TemplateArgs } from './format';

const S = {
  'sweep.title': { en: 'CVM Doctor sweep — {total} targets', ko: 'CVM Doctor 일괄 점검 — 대상 {total}개' },
  'sweep.noVerdict': { en: 'no verdict', ko: '판정 없음' },
  'sweep.internalError': { en: 'internal error: {message}', ko: '내부 오류: {message}' },
  'sweep.unfinished': { en: 'Not finished ({count}): cancelled before a verdict', ko: '끝나지 않음({count}개): 판정 전에 취소됨' },
  'sweep.progress': { en: '{done}/{total} done', ko: '{done}/{total} 완료' },
  'sweep.duration': { en: 'Took {time}, at most {concurrency} at a time', ko: '소요 시간 {time}, 동시에 최대 {concurrency}개' },
  'sweep.allOk': { en: 'Every target is OK.', ko: '모든 대상이 정상입니다.' },
  'sweep.notAllOk': { en: '{count} of {total} targets need attention.', ko: '대상 {total}개 중 {count}개에 문제가 있습니다.' },
  'sweep.noAddress': { en: 'the cloud reports no IP address for this instance', ko: '클라우드에 이 인스턴스의 IP 주소가 없습니다' },
  'sweep.skipped': { en: 'Not diagnosed ({count})', ko: '진단하지 않음({count}개)' },
  'sweep.cancelled': { en: 'Cancelled: only the targets above finished.', ko: '취소됨: 위의 대상만 점검을 마쳤습니다.' },
} satisfies Record<string, Bilingual>;

export type SweepTextKey = keyof typeof S;
export const SWEEP_TEXT_KEYS = Object.keys(S) as SweepTextKey[];

export function sweepText(lang: Lang, key: SweepTextKey, args?: TemplateArgs): string {
  return format(S[key][lang], args);
}
