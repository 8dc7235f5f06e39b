/** The workloads of the index test beyond the invoice module's, one per gateway module. */
import { accessWorkload } from './access';
import { empiWorkload } from './empi';
import { notificationWorkload } from './notifications';
import { recordWorkload } from './records';
import { accessRequestWorkload } from './requests';
import { shareLinkWorkload } from './share-links';
import type { Workload } from './workload';

export { insertRaw, type Workload } from './workload';

export const WORKLOADS: readonly Workload[] = [
  accessWorkload,
  shareLinkWorkload,
  notificationWorkload,
  accessRequestWorkload,
  recordWorkload,
  empiWorkload,
];
