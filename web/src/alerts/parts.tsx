import { useState } from 'react';
import type { AlertChannel } from '../api';
import type { Lang } from '../format';

/**
 * A page's changes: each one's answer said in a banner (or its problem shown), then everything read again.
 * `round` keys the page's reads.
 */
export function useActions() {
  const [round, setRound] = useState(0);
  const [problem, setProblem] = useState<unknown>(null);
  const [said, setSaid] = useState('');
  const act = (work: Promise<unknown>, done?: (answer: unknown) => string) =>
    work.then(
      (answer) => {
        setProblem(null);
        if (done) setSaid(done(answer));
        setRound((r) => r + 1);
      },
      (e: unknown) => setProblem(e),
    );
  return { round, problem, said, act };
}
export type Act = ReturnType<typeof useActions>['act'];

/** Who hears (usernames, comma separated) and by which channel: a rule's or a subscription's recipients. */
export function RecipientFields({
  lang,
  channels,
  names,
  channel,
  onNames,
  onChannel,
}: {
  lang: Lang;
  channels: AlertChannel[];
  names: string;
  channel: string;
  onNames: (names: string) => void;
  onChannel: (channel: string) => void;
}) {
  return (
    <>
      <input
        value={names}
        onChange={(e) => onNames(e.target.value)}
        placeholder={lang === 'zh' ? '接收人（用户名，逗号分隔）' : 'recipients (usernames)'}
      />
      <select value={channel} onChange={(e) => onChannel(e.target.value)}>
        {channels.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </>
  );
}

/** The recipients a form's fields name, each by the channel chosen (the first, when none is). */
export const recipientsOf = (names: string, channel: string, channels: AlertChannel[]) =>
  names
    .split(/[,，\s]+/)
    .filter(Boolean)
    .map((username) => ({ username, channel: Number(channel || channels[0]?.id) }));
