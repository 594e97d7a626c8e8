import { containsEmoji } from '@cityleague/domain';
import type { FormRule } from 'antd';
import { EMOJI_MESSAGE } from '../lib/messages';

export { EMOJI_MESSAGE };

/** Form rule that rejects emoji in a formal name or address, as the server does. */
export const noEmojiRule: FormRule = {
  validator: (_, value: unknown) =>
    typeof value === 'string' && containsEmoji(value)
      ? Promise.reject(new Error(EMOJI_MESSAGE))
      : Promise.resolve(),
};
