export { createUser, authenticate, findUserByEmail, setPassword, disablePassword, UserExistsError, emailSchema, passwordSchema } from './users';
export { createSession, userOfSession, deleteSession, deleteOtherSessions, sessionCookie, sessionCookieHeader, clearedSessionCookie, readCookie } from './sessions';
export { hashPassword, verifyPassword, hashingLoad, PasswordHashingBusyError } from './passwords';
export { LoginThrottle, loginThrottle, useLoginThrottle, defaultThrottleLimits, type ThrottleLimits } from './throttle';
