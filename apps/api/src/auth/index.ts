export { createUser, authenticate, findUserByEmail, UserExistsError, emailSchema, passwordSchema } from './users';
export { createSession, userOfSession, deleteSession, sessionCookie, sessionCookieHeader, clearedSessionCookie, readCookie } from './sessions';
export { hashPassword, verifyPassword } from './passwords';
