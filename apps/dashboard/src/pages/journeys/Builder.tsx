// The journey builder: palette, canvas (@xyflow/react), side panel, problems, lifecycle actions, live counts.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, ReactFlow, type Connection as FlowConnection, type Edge, type EdgeChange, type Node, type NodeChange, type ReactFlowInstance } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { RefsContext } from './refs';
import { formatMoney, useCurrency } from '../../lib/money';
import { Link, workspacePath } from '../../router';
import { formatCount } from '../../lib/format';
import { addStep, insertOnEdge, canConnect, connect, disconnect, edgeId, moveNode, normalizeDraft, removeNodes, toGraph, triggerNodeId, updateNode, type Draft, type NodeType } from './graph';
import { historyOf, record, redo, settle, undo } from './history';
import { layoutJourney } from './layout';
import { newNode, nodeTypeInfo, statusLabel } from './nodeTypes';
import { differsFromLive, problemsOf } from './problems';
import { nodeTypes, type NodeMetrics } from './FlowNodes';
import { EdgeActionsContext, edgeTypes, type EdgeActions } from './InsertEdge';
import { NodeForm } from './NodeForm';
import { TriggerForm } from './TriggerForm';
import { Stat } from '../../components/Stat';

const metricsIntervalMs = 3000;
/** After a layout every step must be in view, so the fit may zoom out further than a person usually would. */
const fitAll = { maxZoom: 1, minZoom: 0.25, padding: 0.08, duration: 200 };

export default function Builder({ workspaceId, journeyId }: { workspaceId: string; journeyId: string }) {
  const trpc = useTRPC();
  const journey = useQuery(trpc.journeys.get.queryOptions({ workspaceId, journeyId }));
  if (journey.isPending) return <p className="muted">Loading journey…</p>;
  if (journey.isError) return <p className="form-error">Could not load this journey: {journey.error.message}</p>;
  return <Editor workspaceId={workspaceId} journeyId={journeyId} initial={journey.data} />;
}

type JourneyData = { name: string; status: string; publishedVersion: number | null; draft?: unknown; live: unknown };

function Editor({ workspaceId, journeyId, initial }: { workspaceId: string; journeyId: string; initial: JourneyData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The draft is loaded once; later refetches of `get` only refresh the status line.
  const [history, setHistory] = useState(() => historyOf<Draft>(normalizeDraft(initial.draft)));
  const draft = history.present;
  const [flow, setFlow] = useState<ReactFlowInstance | null>(null);
  const [name, setName] = useState(initial.name);
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(triggerNodeId);
  const [selectedEdges, setSelectedEdges] = useState<Set<string>>(new Set());
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [notice, setNotice] = useState<{ text: string; error?: boolean } | null>(null);
  // Until the marketer edits, pans, zooms or drags, the view keeps fitting the journey: cards grow when their metrics
  // arrive and the canvas resizes with the page, and a fit made once before either would leave steps out of view.
  // Once they act, the view stays where they put it.
  const [following, setFollowing] = useState(true);

  const journey = useQuery(trpc.journeys.get.queryOptions({ workspaceId, journeyId }));
  const status = journey.data?.status ?? initial.status;
  const version = journey.data?.publishedVersion ?? initial.publishedVersion;
  const live = version !== null;
  const liveDefinition = journey.data?.live ?? initial.live;
  const metrics = useQuery(trpc.journeys.metrics.queryOptions({ workspaceId, journeyId }, { enabled: live, refetchInterval: metricsIntervalMs }));
  const templates = useQuery(trpc.templates.list.queryOptions({ workspaceId }));
  const segments = useQuery(trpc.segments.list.queryOptions({ workspaceId }));
  const currency = useCurrency(workspaceId);
  const refs = useMemo(() => ({ workspaceId, templates: templates.data, segments: segments.data }), [workspaceId, templates.data, segments.data]);

  /** Every change goes through here, so it can be undone; `key` folds a run of changes (a drag, typing) into one step. */
  const setDraft = useCallback((update: (d: Draft) => Draft, key: string | null = null) => {
    setFollowing(false);
    setHistory((h) => {
      const next = update(h.present);
      if (next !== h.present) setDirty(true);
      return record(h, next, key);
    });
  }, []);
  const step = useCallback((move: typeof undo) => {
    setFollowing(false);
    setHistory((h) => {
      const next = move(h);
      if (next !== h) setDirty(true);
      return next;
    });
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (!(e.ctrlKey || e.metaKey) || target?.closest('input, textarea, select, [contenteditable]')) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) step(undo);
      else if ((key === 'z' && e.shiftKey) || key === 'y') step(redo);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // Steps nobody placed (a new journey, one made outside the builder) are laid out by dagre, with the cards' measured sizes.
  const unplaced = [triggerNodeId, ...draft.nodes.map((n) => n.id)].some((id) => !draft.layout?.[id]);
  const auto = useMemo(() => (unplaced ? layoutJourney(draft, measured) : new Map()), [unplaced, draft, measured]);
  const graph = useMemo(() => toGraph(draft, auto), [draft, auto]);
  const [canvasSize, setCanvasSize] = useState('');
  // A callback ref: the canvas mounts only once the journey has loaded, after this component's first render.
  const resizeObserver = useRef<ResizeObserver | null>(null);
  const canvasRef = useCallback((el: HTMLDivElement | null) => {
    resizeObserver.current?.disconnect();
    resizeObserver.current = null;
    if (!el) return;
    resizeObserver.current = new ResizeObserver(([entry]) => entry && setCanvasSize(`${Math.round(entry.contentRect.width)}x${Math.round(entry.contentRect.height)}`));
    resizeObserver.current.observe(el);
  }, []);
  // Fit only once every card is measured, so the layout used their real sizes.
  const fitKey = useMemo(
    () => (graph.nodes.every((n) => measured[n.id]) ? graph.nodes.map((n) => `${n.id}:${n.position.x},${n.position.y},${measured[n.id]!.width}x${measured[n.id]!.height}`).join('|') : null),
    [graph, measured],
  );
  useEffect(() => {
    if (!following || !flow || fitKey === null) return;
    // After this render has given React Flow the new positions.
    const frame = requestAnimationFrame(() => void flow.fitView(fitAll));
    return () => cancelAnimationFrame(frame);
  }, [following, flow, fitKey, canvasSize]);
  const tidy = () => {
    setDraft((d) => ({ ...d, layout: Object.fromEntries(layoutJourney(d, measured)) }));
    setFollowing(true);
  };
  const problems = useMemo(() => problemsOf(draft), [draft]);
  const changed = useMemo(() => differsFromLive(problems.definition, liveDefinition), [problems.definition, liveDefinition]);
  const byNode = useMemo(() => new Map<string, NodeMetrics>((metrics.data?.nodes ?? []).map((m) => [m.nodeId, m])), [metrics.data]);

  const nodes: Node[] = useMemo(
    () =>
      graph.nodes.map((g) => {
        const common = { id: g.id, position: g.position, selected: g.id === selected, ...(measured[g.id] ? { measured: measured[g.id] } : {}) };
        if (g.data.kind === 'trigger') return { ...common, type: 'trigger', deletable: false, data: { meta: g.data.meta, problems: problems.byNode.get(g.id) ?? [], entered: metrics.data ? metrics.data.entered : null } };
        return { ...common, type: 'step', data: { node: g.data.node, problems: problems.byNode.get(g.id) ?? [], metrics: byNode.get(g.id) ?? null, live } };
      }),
    [graph, selected, measured, problems, byNode, live, metrics.data],
  );
  const edges: Edge[] = useMemo(() => graph.edges.map((e) => ({ ...e, type: 'insert', selected: selectedEdges.has(e.id) })), [graph, selectedEdges]);

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const dims: Record<string, { width: number; height: number }> = {};
      const removed: string[] = [];
      const deselected = new Set<string>();
      let picked: string | null = null;
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) dims[c.id] = c.dimensions;
        else if (c.type === 'position') {
          const { id, position } = c;
          if (position) setDraft((d) => moveNode(d, id, position), `move:${id}`);
          if (c.dragging === false) setHistory(settle);
        } else if (c.type === 'select') {
          if (c.selected) picked = c.id;
          else deselected.add(c.id);
        } else if (c.type === 'remove') removed.push(c.id);
      }
      if (Object.keys(dims).length) setMeasured((m) => ({ ...m, ...dims }));
      if (picked !== null) setSelected(picked);
      else if (deselected.size) setSelected((cur) => (cur && deselected.has(cur) ? null : cur));
      if (removed.length) {
        setDraft((d) => removeNodes(d, removed));
        setSelected(null);
      }
    },
    [setDraft],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed = changes.filter((c) => c.type === 'remove').map((c) => c.id);
      if (removed.length) setDraft((d) => disconnect(d, removed));
      const sel = changes.filter((c) => c.type === 'select');
      if (sel.length)
        setSelectedEdges((s) => {
          const n = new Set(s);
          for (const c of sel) {
            if (c.type !== 'select') continue;
            if (c.selected) n.add(c.id);
            else n.delete(c.id);
          }
          return n;
        });
    },
    [setDraft],
  );

  const onConnect = useCallback((c: FlowConnection) => setDraft((d) => connect(d, { source: c.source, sourceHandle: c.sourceHandle ?? null, target: c.target })), [setDraft]);
  const isValidConnection = useCallback(
    (c: Edge | FlowConnection) => canConnect(draft, { source: c.source, sourceHandle: c.sourceHandle ?? null, target: c.target }),
    [draft],
  );

  const add = (type: NodeType, at?: { x: number; y: number }) => {
    const node = newNode(draft, type);
    setDraft((d) => addStep(d, node, at ? { at } : { after: selected }));
    setSelected(node.id);
  };
  const edgeActions: EdgeActions = {
    insert: (edge, type) => {
      const node = newNode(draft, type);
      setDraft((d) => insertOnEdge(d, edge, node));
      setSelected(node.id);
    },
    disabled: status === 'archived',
  };
  const stepMime = 'application/x-overture-step';
  const onDrop = (e: React.DragEvent) => {
    const type = e.dataTransfer.getData(stepMime) as NodeType;
    if (!type || !flow || archived) return;
    e.preventDefault();
    add(type, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  const invalidate = () => {
    void queryClient.invalidateQueries(trpc.journeys.get.queryFilter({ workspaceId, journeyId }));
    void queryClient.invalidateQueries(trpc.journeys.list.queryFilter());
  };
  const save = useMutation(trpc.journeys.saveDraft.mutationOptions());
  const publish = useMutation(trpc.journeys.publish.mutationOptions());
  const setStatus = useMutation(trpc.journeys.setStatus.mutationOptions());
  const busy = save.isPending || publish.isPending || setStatus.isPending;

  const run = async (what: () => Promise<string>) => {
    setNotice(null);
    try {
      setNotice({ text: await what() });
    } catch (err) {
      setNotice({ text: (err as Error).message, error: true });
    } finally {
      invalidate();
    }
  };
  const saveDraft = async () => {
    await save.mutateAsync({ workspaceId, journeyId, draft, name: name.trim() || undefined });
    setDirty(false);
  };
  const onSave = () =>
    run(async () => {
      await saveDraft();
      return problems.all.length ? `Draft saved, with ${problems.all.length} problem(s) to fix before publishing.` : 'Draft saved.';
    });
  const onPublish = () =>
    run(async () => {
      if (dirty || name !== initial.name) await saveDraft();
      const { version: v } = await publish.mutateAsync({ workspaceId, journeyId });
      return `Published version ${v}. Profiles already in the journey stay on the version they entered.`;
    });
  const onStatus = (action: 'pause' | 'resume' | 'archive') =>
    run(async () => {
      if (action === 'archive' && !window.confirm('Archive this journey? Profiles in it leave at their next step, and it can no longer be edited.')) return 'Not archived.';
      const r = await setStatus.mutateAsync({ workspaceId, journeyId, action });
      return `Journey ${r.status}.`;
    });

  const selectedNode = selected && selected !== triggerNodeId ? draft.nodes.find((n) => n.id === selected) : undefined;
  const archived = status === 'archived';
  const m = metrics.data;

  return (
    <RefsContext.Provider value={refs}>
      <div className="builder">
        <div className="builder-header">
          <Link to={workspacePath(workspaceId, 'journeys')}>← Journeys</Link>
          <input
            className="builder-name"
            aria-label="Journey name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setDirty(true);
            }}
          />
          <span className={`status-badge ${status}`} data-testid="journey-status">
            {statusLabel(status, version)}
          </span>
          {dirty && <span className="muted">unsaved changes</span>}
          {live && changed && status !== 'archived' && <span className="muted">not published yet</span>}
          <div className="builder-actions">
            <button type="button" onClick={() => void onSave()} disabled={busy || archived || !dirty}>
              Save draft
            </button>
            <button type="button" className="primary" onClick={() => void onPublish()} disabled={busy || archived || problems.all.length > 0 || !changed}
              title={problems.all.length ? 'Fix the problems first' : !changed ? 'The live version is this draft' : undefined}
            >
              {!version ? 'Publish' : changed ? `Publish v${version + 1}` : `Published v${version}`}
            </button>
            {status === 'published' && (
              <button type="button" onClick={() => void onStatus('pause')} disabled={busy}>
                Pause
              </button>
            )}
            {status === 'paused' && (
              <button type="button" onClick={() => void onStatus('resume')} disabled={busy}>
                Resume
              </button>
            )}
            {!archived && (
              <button type="button" className="danger-button" onClick={() => void onStatus('archive')} disabled={busy}>
                Archive
              </button>
            )}
          </div>
        </div>
        {notice && (
          <p className={notice.error ? 'form-error builder-notice' : 'builder-notice'} role={notice.error ? 'alert' : 'status'}>
            {notice.text}
          </p>
        )}
        {m && (
          <section className="stats journey-stats" aria-label="Journey metrics">
            <Stat label="Entered" value={formatCount(m.entered)} />
            <Stat label="In flight" value={formatCount(m.active)} />
            <Stat label="Conversions" value={formatCount(m.conversions)} />
            <Stat label="Revenue" value={formatMoney(m.revenue, currency)} />
            <Stat label="Lift vs holdout" value={m.lift === null ? '—' : `${(m.lift * 100).toFixed(1)}%`} />
          </section>
        )}
        <div className="builder-body">
          <aside className="palette" aria-label="Add a step">
            <h2>Add a step</h2>
            {nodeTypeInfo.map((t) => (
              <button
                key={t.type}
                type="button"
                title={`${t.hint} Click to add after the selected step, or drag onto the canvas.`}
                onClick={() => add(t.type)}
                draggable={!archived}
                onDragStart={(e) => {
                  e.dataTransfer.setData(stepMime, t.type);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                disabled={archived}
              >
                {t.label}
              </button>
            ))}
            <div className="history-buttons" role="toolbar" aria-label="Canvas">
              <button type="button" className="tidy-button" onClick={tidy} disabled={archived} title="Lay every step out again: top to bottom, branches in order (yes left, no right), then fit the view">
                Tidy up
              </button>
              <button type="button" onClick={() => step(undo)} disabled={history.past.length === 0} title="Undo (Ctrl+Z)">
                Undo
              </button>
              <button type="button" onClick={() => step(redo)} disabled={history.future.length === 0} title="Redo (Ctrl+Shift+Z)">
                Redo
              </button>
            </div>
          </aside>
          <div className="canvas" data-testid="journey-canvas" ref={canvasRef} onDragOver={(e) => e.dataTransfer.types.includes(stepMime) && e.preventDefault()} onDrop={onDrop}>
            <EdgeActionsContext.Provider value={edgeActions}>
              <ReactFlow
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onConnect={onConnect}
                onInit={setFlow}
                onMoveStart={(event) => event && setFollowing(false)}
                onNodeDragStart={() => setFollowing(false)}
                isValidConnection={isValidConnection}
                onPaneClick={() => setSelected(null)}
                deleteKeyCode={['Backspace', 'Delete']}
                fitView
                minZoom={fitAll.minZoom}
                fitViewOptions={{ maxZoom: 1, minZoom: 0.6 }}
                proOptions={{ hideAttribution: true }}
              >
                <Background />
                <Controls showInteractive={false} />
              </ReactFlow>
            </EdgeActionsContext.Provider>
          </div>
          <aside className="side-panel" aria-label="Configure">
            {selected === triggerNodeId ? (
              <TriggerForm draft={draft} onChange={(d) => setDraft(() => d, 'edit:trigger')} />
            ) : selectedNode ? (
              <NodeForm
                key={selectedNode.id}
                node={selectedNode}
                draft={draft}
                onChange={(n) => setDraft((d) => updateNode(d, n), `edit:${n.id}`)}
                onConnect={(field, target) =>
                  setDraft((d) => (target ? connect(d, { source: selectedNode.id, sourceHandle: field, target }) : disconnect(d, [edgeId(selectedNode.id, field)])))
                }
                onDelete={() => {
                  setDraft((d) => removeNodes(d, [selectedNode.id]));
                  setSelected(null);
                }}
              />
            ) : (
              <p className="hint">Select the trigger or a step to configure it. Drag from a step’s bottom handle to another step to connect them; select an edge and press Delete to remove it.</p>
            )}
            {selectedNode && m && byNode.get(selectedNode.id) && <SkipReasons m={byNode.get(selectedNode.id)!} />}
            {selectedNode?.type === 'split' && version != null && (
              <p>
                <Link to={workspacePath(workspaceId, 'experiments', `journey:${journeyId}:${selectedNode.id}`)}>Experiment readout: uplift, chance to win, SRM →</Link>
              </p>
            )}
            <section className="problem-list" data-testid="problem-list">
              <h2>{problems.all.length ? `Problems (${problems.all.length})` : 'No problems'}</h2>
              {problems.all.length > 0 && (
                <ul>
                  {problems.all.map((p, i) => (
                    <li key={i}>
                      <button type="button" className="link-button" onClick={() => setSelected(p.nodeId && draft.nodes.some((n) => n.id === p.nodeId) ? p.nodeId : triggerNodeId)}>
                        {p.message}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </aside>
        </div>
      </div>
    </RefsContext.Provider>
  );
}

function SkipReasons({ m }: { m: NodeMetrics }) {
  const reasons = Object.entries(m.skipped);
  if (!reasons.length) return null;
  return (
    <section className="skip-reasons">
      <h2>Skipped, by reason</h2>
      <ul>
        {reasons.map(([r, n]) => (
          <li key={r}>
            {r}: {formatCount(n)}
          </li>
        ))}
      </ul>
    </section>
  );
}
