import { createContext, useContext } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { nodeTypeInfo } from './nodeTypes';
import { startHandle, type NodeType } from './graph';

export interface EdgeActions {
  insert: (edge: { source: string; sourceHandle: string; target: string }, type: NodeType) => void;
  disabled: boolean;
}

/** What an edge's "+" does, given by the Builder (the edge components are created by the canvas). */
export const EdgeActionsContext = createContext<EdgeActions | null>(null);

/** An edge with its branch label and a "+" that inserts a step of a chosen type on it. */
export function InsertEdge(props: EdgeProps) {
  const { id, source, target, sourceHandleId, label, markerEnd, style } = props;
  const [path, x, y] = getBezierPath(props);
  const actions = useContext(EdgeActionsContext);
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} />
      <EdgeLabelRenderer>
        <div className="edge-insert nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}>
          {label ? <span className="edge-label">{label}</span> : null}
          {actions && !actions.disabled && (
            <select
              aria-label={`Insert a step on ${id}`}
              title="Insert a step here"
              value=""
              onChange={(e) => {
                if (e.target.value) actions.insert({ source, sourceHandle: sourceHandleId ?? startHandle, target }, e.target.value as NodeType);
              }}
            >
              <option value="">+</option>
              {nodeTypeInfo.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </select>
          )}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const edgeTypes = { insert: InsertEdge };
