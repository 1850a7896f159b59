import { type FormEvent, useState } from 'react';
import { Problem, useAnswer } from '../analytics/MemberAnalytics';
import { type AlertChannel, api, currentUser } from '../api';
import { chainLocal } from '../chain-time';
import type { Lang } from '../format';
import { type Act, RecipientFields, recipientsOf, useActions } from './parts';

/** 订阅: dashboards sent on a schedule, as a picture with the recipient's grants. */
export function Subscriptions({
  lang,
  channels,
  round,
  act,
}: {
  lang: Lang;
  channels: AlertChannel[];
  round: number;
  act: Act;
}) {
  const zh = lang === 'zh';
  const subscriptions = useAnswer(() => api.subscriptions(), `s${round}`);
  const boards = useAnswer(() => api.dashboards(), 'boards');
  const [name, setName] = useState('');
  const [board, setBoard] = useState('');
  const [schedule, setSchedule] = useState('30 8 * * *');
  const [recipients, setRecipients] = useState(currentUser()?.username ?? '');
  const [channel, setChannel] = useState('');
  const list = boards.data?.dashboards ?? [];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const dashboardId = Number(board || list[0]?.id);
    act(
      api.saveSubscription({
        name: name || (list.find((d) => d.id === dashboardId)?.name ?? (zh ? '看板订阅' : 'Subscription')),
        dashboardId,
        schedule,
        recipients: recipientsOf(recipients, channel, channels),
      }),
    );
  };
  return (
    <section className="card" data-testid="subscriptions">
      <h2>{zh ? '订阅' : 'Subscriptions'}</h2>
      <p className="muted">
        {zh
          ? '按计划把看板截图（按接收人的数据权限）连同关键数据和链接发送到其渠道。'
          : 'A dashboard’s picture (with each recipient’s grants), its figures and a link, sent on a schedule.'}
      </p>
      <table className="table">
        <tbody>
          {(subscriptions.data?.subscriptions ?? []).map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{list.find((d) => d.id === s.dashboardId)?.name ?? s.dashboardId}</td>
              <td>
                {s.schedule} <span className="muted">{s.timezone}</span>
              </td>
              <td>{s.recipients.map((r) => r.username).join('、')}</td>
              <td>{s.lastRunAt ? chainLocal(s.lastRunAt) : '—'}</td>
              <td className="actions">
                <button
                  type="button"
                  data-testid="subscription-run"
                  onClick={() =>
                    act(api.runSubscription(s.id), (a) => {
                      const x = a as { queued: number; pictured: boolean };
                      return zh
                        ? `「${s.name}」已发送 ${x.queued} 条${x.pictured ? '（含截图）' : '（无截图）'}`
                        : `${s.name}: ${x.queued} sent${x.pictured ? ' with a picture' : ''}`;
                    })
                  }
                >
                  {zh ? '立即发送' : 'Send now'}
                </button>{' '}
                <button type="button" onClick={() => act(api.deleteSubscription(s.id))}>
                  {zh ? '删除' : 'Delete'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="alert-form" onSubmit={submit} data-testid="subscription-form">
        <input
          placeholder={zh ? '订阅名称' : 'Name'}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select value={board} onChange={(e) => setBoard(e.target.value)} data-testid="subscription-board">
          {list.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <input value={schedule} onChange={(e) => setSchedule(e.target.value)} title="cron: 分 时 日 月 周" />
        <RecipientFields
          lang={lang}
          channels={channels}
          names={recipients}
          channel={channel}
          onNames={setRecipients}
          onChannel={setChannel}
        />
        <button type="submit" disabled={!channels.length || !list.length} data-testid="subscription-save">
          {zh ? '保存订阅' : 'Save subscription'}
        </button>
      </form>
    </section>
  );
}

/** The 订阅 page: the channels to send by are read here; subscriptions are made and sent from the section above. */
export function SubscriptionsPage({ lang }: { lang: Lang }) {
  const { round, problem, said, act } = useActions();
  const channels = useAnswer(() => api.alertChannels(), 'channels');
  return (
    <main className="alerts" data-testid="subscriptions-page">
      <Problem error={problem ?? channels.error} lang={lang} />
      {said && <p className="banner">{said}</p>}
      <Subscriptions lang={lang} channels={channels.data?.channels ?? []} round={round} act={act} />
    </main>
  );
}
