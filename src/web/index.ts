/** The web room: the server-rendered, read-only dashboard and the compliance badges. */
export { webRouter, type WebOptions } from './web-router.js';
export { badgeState, renderBadge, type BadgeState } from './render-badge.js';
