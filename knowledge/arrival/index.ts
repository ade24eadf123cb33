export { WorkingDays } from './calendar.js';
export { type ArrivalEstimate, type ArrivalMethod, estimateArrival, formatDay } from './estimate.js';
