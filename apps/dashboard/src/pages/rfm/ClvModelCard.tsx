import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { formatCount } from '../../lib/format';
import { When } from '../../components/When';
import { churnBands } from '../profiles/features';

const fixed = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(1) : n.toPrecision(3));

/** The workspace's fitted BG/NBD + Gamma–Gamma model: what CLTV and churn risk are computed from. */
export function ClvModelCard({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const model = useQuery(trpc.profiles.clvModel.queryOptions({ workspaceId }));
  const m = model.data;
  return (
    <section className="card rfm-legend" aria-label="Customer value model">
      <h2>Customer value model</h2>
      {!m ? (
        <p className="muted small">{model.isLoading ? 'Loading…' : 'Not fitted yet: the recompute fits it once the workspace has 20 customers, 10 of them repeat buyers.'}</p>
      ) : (
        <dl className="kv small">
          <dt>Purchases (BG/NBD)</dt>
          <dd data-testid="clv-bgnbd">
            r {fixed(m.bgnbd.r)}, α {fixed(m.bgnbd.alpha)} days, a {fixed(m.bgnbd.a)}, b {fixed(m.bgnbd.b)}
          </dd>
          <dt>Spend (Gamma–Gamma)</dt>
          <dd>
            p {fixed(m.gammaGamma.p)}, q {fixed(m.gammaGamma.q)}, γ {fixed(m.gammaGamma.gamma)}
          </dd>
          <dt>Fitted on</dt>
          <dd>
            {formatCount(m.customers)} customers ({formatCount(m.repeatCustomers)} repeat){m.asOf ? (
              <>
                , as of <When iso={m.asOf} />
              </>
            ) : null}
          </dd>
          <dt>CLTV</dt>
          <dd>
            expected net revenue over the next {m.horizonMonths} months, discounted {Math.round(m.annualDiscount * 100)} % a year
          </dd>
          <dt>Churn risk</dt>
          <dd>
            1 − P(alive): low below {churnBands.medium * 100} %, high from {churnBands.high * 100} %; one-time buyers are not estimated
          </dd>
        </dl>
      )}
    </section>
  );
}
