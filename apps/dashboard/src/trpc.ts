import { QueryCache, QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext, createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@overture/api';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** HTTP status of a failed tRPC call, when the server answered. */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const status = (error.data as { httpStatus?: unknown } | undefined)?.httpStatus;
  return typeof status === 'number' ? status : undefined;
}

export function createClients() {
  const trpcClient = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: '/trpc',
        fetch: (url, init) => fetch(url, { ...init, credentials: 'same-origin' }),
      }),
    ],
  });

  const queryClient: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not fix itself; a network blip or 5xx might.
        retry: (failures, error) => (httpStatusOf(error) ?? 500) >= 500 && failures < 2,
        refetchOnWindowFocus: false,
      },
    },
    queryCache: new QueryCache({
      onError: (error) => {
        // A session that expired mid-use: ask the server again, which brings back the login screen.
        if (httpStatusOf(error) === 401) void queryClient.invalidateQueries(trpc.auth.me.queryFilter());
      },
    }),
  });

  const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  return { trpcClient, queryClient };
}
