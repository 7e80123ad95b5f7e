import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import {
  deleteSender,
  EmailSettingsError,
  emailSettingsInput,
  getEmailSettings,
  listSenders,
  messageHistory,
  saveEmailSettings,
  saveSender,
  senderInput,
  SenderError,
  SenderNotFound,
  sendEmail,
  sendPush,
  setDefaultSender,
  setVapidSubject,
  vapidKeysOf,
} from '../../channels';
import { router, workspaceProcedure } from '../trpc';

async function channelErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SenderError || err instanceof EmailSettingsError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message });
    if (err instanceof SenderNotFound) throw new TRPCError({ code: 'NOT_FOUND', message: err.message });
    throw err;
  }
}

const senderId = z.object({ id: z.string().min(1).max(100) });

export const channelsRouter = router({
  emailSettings: workspaceProcedure.query(({ ctx }) => getEmailSettings(ctx.app, ctx.workspaceId)),

  saveEmailSettings: workspaceProcedure.input(z.object({ settings: emailSettingsInput })).mutation(({ ctx, input }) => channelErrors(() => saveEmailSettings(ctx.app, ctx.workspaceId, input.settings))),

  /** Sender identities (From, Reply-To), the default first. */
  senders: workspaceProcedure.query(({ ctx }) => listSenders(ctx.app, ctx.workspaceId)),

  /** Creates (no id) or updates a sender; the workspace's first sender becomes its default. */
  saveSender: workspaceProcedure.input(z.object({ sender: senderInput })).mutation(({ ctx, input }) => channelErrors(() => saveSender(ctx.app, ctx.workspaceId, input.sender))),

  setDefaultSender: workspaceProcedure.input(senderId).mutation(({ ctx, input }) => channelErrors(() => setDefaultSender(ctx.app, ctx.workspaceId, input.id))),

  /** Refused (with the templates' names) while a template uses the sender. */
  deleteSender: workspaceProcedure.input(senderId).mutation(({ ctx, input }) => channelErrors(() => deleteSender(ctx.app, ctx.workspaceId, input.id))),

  /** The workspace's VAPID public key (generated on first call) and contact subject. */
  pushKeys: workspaceProcedure.query(async ({ ctx }) => {
    const k = await vapidKeysOf(ctx.app, ctx.workspaceId);
    return { publicKey: k.publicKey, subject: k.subject };
  }),

  setPushSubject: workspaceProcedure.input(z.object({ subject: z.string().min(1).max(500) })).mutation(async ({ ctx, input }) => {
    try {
      await setVapidSubject(ctx.app, ctx.workspaceId, input.subject);
    } catch (err) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: (err as Error).message });
    }
  }),

  /** A one-off send of a template to one profile, through the same checks as a journey's. */
  send: workspaceProcedure
    .input(z.object({ channel: z.enum(['email', 'web_push']), template: z.string().min(1).max(200), profileId: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }): Promise<{ status: string; messageId: string; reason?: string }> => {
      const req = { workspaceId: ctx.workspaceId, profileId: input.profileId, template: input.template };
      return input.channel === 'email' ? sendEmail(ctx.app, req) : sendPush(ctx.app, req);
    }),

  messages: workspaceProcedure
    .input(z.object({ profileId: z.string().min(1).max(200), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => messageHistory(ctx.app, ctx.workspaceId, input.profileId, input.limit)),
});
