import { containsEmoji } from '@cityleague/domain';
import type { FormRule } from 'antd';

/** Message of a formal name or address that contains emoji (field error code `noEmoji`). */
export const EMOJI_MESSAGE = '不能包含表情符号，请使用文字';

/** Form rule that rejects emoji in a formal name or address, as the server does. */
export const noEmojiRule: FormRule = {
  validator: (_, value: unknown) =>
    typeof value === 'string' && containsEmoji(value)
      ? Promise.reject(new Error(EMOJI_MESSAGE))
      : Promise.resolve(),
};
