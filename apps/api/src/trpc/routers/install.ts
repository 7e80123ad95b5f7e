import { TRPCError } from '@trpc/server';
import { writeKeyOf } from '../../workspaces';
import { installSnippet, npmInstructions } from '../../sdk/snippet';
import { router, workspaceProcedure } from '../trpc';

export const installRouter = router({
  snippet: workspaceProcedure.query(async ({ ctx }) => {
    const writeKey = await writeKeyOf(ctx.app.postgres.db, ctx.workspaceId);
    if (!writeKey) throw new TRPCError({ code: 'NOT_FOUND', message: 'This workspace has no active write key' });
    const host = ctx.app.config.publicUrl;
    // Onsite on: a placement made in the dashboard shows without the site owner changing the snippet.
    return { writeKey, host, snippet: installSnippet({ writeKey, host, options: { onsite: true } }), npm: npmInstructions({ writeKey, host, options: { onsite: true } }) };
  }),
});
