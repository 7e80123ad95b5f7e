// The canvas's two node kinds: the trigger, and a step of any type, with its handles, problems and live counts.

import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@overture/api';
import { handlesOf, startHandle, type DraftNode } from './graph';
import { labelOfType, nodeSummary, triggerSummary } from './nodeTypes';
import { useNames } from './refs';
import { formatCount } from '../../lib/format';

export type NodeMetrics = inferRouterOutputs<AppRouter>['journeys']['metrics']['nodes'][number];

export type TriggerNodeData = { meta: { trigger?: unknown; goal?: unknown }; problems: string[]; entered: number | null };
export type StepNodeData = { node: DraftNode; problems: string[]; metrics: NodeMetrics | null; live: boolean };

export type TriggerFlowNode = Node<TriggerNodeData, 'trigger'>;
export type StepFlowNode = Node<StepNodeData, 'step'>;

function Problems({ problems }: { problems: string[] }) {
  if (!problems.length) return null;
  return (
    <ul className="jn-problems" data-testid="node-problems">
      {problems.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}

export function TriggerNode({ data, selected }: NodeProps<TriggerFlowNode>) {
  const goal = data.meta.goal as { event?: string } | undefined;
  const names = useNames();
  return (
    <div className={`jn jn-trigger${selected ? ' selected' : ''}${data.problems.length ? ' invalid' : ''}`} data-testid="journey-node-$trigger">
      <div className="jn-type">Trigger</div>
      <div className="jn-summary">{triggerSummary(data.meta.trigger, names)}</div>
      {goal && <div className="jn-goal">Goal: {goal.event || '…'}</div>}
      {data.entered !== null && (
        <div className="jn-counts" data-testid="node-counts">
          <span>entered {formatCount(data.entered)}</span>
        </div>
      )}
      <Problems problems={data.problems} />
      <Handle type="source" position={Position.Bottom} id={startHandle} />
    </div>
  );
}

function Counts({ m }: { m: NodeMetrics | null }) {
  const skipped = m ? Object.entries(m.skipped) : [];
  const total = skipped.reduce((s, [, n]) => s + n, 0);
  return (
    <div className="jn-counts" data-testid="node-counts">
      <span title="entered">entered {formatCount(m?.entered ?? 0)}</span>
      <span title="waiting">waiting {formatCount(m?.waiting ?? 0)}</span>
      <span title="completed">completed {formatCount(m?.completed ?? 0)}</span>
      {(m?.sent ?? 0) > 0 && <span title="sent">sent {formatCount(m!.sent)}</span>}
      <span title={skipped.map(([r, n]) => `${r}: ${n}`).join(', ') || 'nothing skipped'}>skipped {formatCount(total)}</span>
      <span title="converted">converted {formatCount(m?.converted ?? 0)}</span>
      {skipped.length > 0 && <span className="jn-reasons">{skipped.map(([r, n]) => `${r} ${n}`).join(' · ')}</span>}
    </div>
  );
}

export function StepNode({ data, selected }: NodeProps<StepFlowNode>) {
  const { node } = data;
  const handles = handlesOf(node);
  const names = useNames();
  return (
    <div className={`jn jn-${node.type}${selected ? ' selected' : ''}${data.problems.length ? ' invalid' : ''}`} data-testid={`journey-node-${node.id}`}>
      <Handle type="target" position={Position.Top} />
      <div className="jn-type">
        {labelOfType(node.type)} <span className="jn-id">{node.id}</span>
      </div>
      {typeof node.label === 'string' && node.label && <div className="jn-label">{node.label}</div>}
      <div className="jn-summary">{nodeSummary(node, names)}</div>
      {data.live && <Counts m={data.metrics} />}
      <Problems problems={data.problems} />
      {handles.length > 1 && (
        <div className="jn-handle-labels">
          {handles.map((h) => (
            <span key={h.field}>{h.label}</span>
          ))}
        </div>
      )}
      {handles.map((h, i) => (
        <Handle key={h.field} type="source" position={Position.Bottom} id={h.field} style={{ left: `${((i + 1) / (handles.length + 1)) * 100}%` }} />
      ))}
    </div>
  );
}

export const nodeTypes = { trigger: TriggerNode, step: StepNode };
