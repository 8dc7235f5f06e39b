/**
 * Chinese and English names of the platform's vocabulary: invoice statuses, types, operations,
 * organisations, roles and error codes. Each table is keyed by the vocabulary's own type, so a
 * value added there and missing here does not compile; the tables double as the lists of known
 * values when answers are parsed.
 */
import type {
  AccessLogPurpose,
  AccessRequestStatus,
  ConsentPurpose,
  ErrorCode,
  GrantStatus,
  HealthRecordType,
  InvoiceKind,
  InvoiceOperation,
  InvoiceStatus,
  InvoiceType,
  LockState,
  MspId,
  NotificationType,
  ResidentKeyOperation,
  Role,
  ShareLinkStatus,
  VerifiableDigest,
  VerificationResultKind,
} from '@hdt/vocabulary';

export interface Label {
  readonly zh: string;
  readonly en: string;
}

export const STATUS_LABELS: Record<InvoiceStatus, Label> = {
  ISSUED: { zh: '已开具', en: 'Issued' },
  LOCKED: { zh: '已锁定', en: 'Locked' },
  PARTIALLY_REIMBURSED: { zh: '部分报销', en: 'Partly reimbursed' },
  REIMBURSED: { zh: '已报销', en: 'Reimbursed' },
  RED_FLUSHED: { zh: '已冲红', en: 'Red-flushed' },
  VOIDED: { zh: '已作废', en: 'Voided' },
  WRITTEN_OFF: { zh: '已核销', en: 'Written off' },
};

export const TYPE_LABELS: Record<InvoiceType, Label> = {
  OUTPATIENT: { zh: '门诊', en: 'Outpatient' },
  INPATIENT: { zh: '住院', en: 'Inpatient' },
  INTERNET: { zh: '互联网医院', en: 'Internet hospital' },
  REGISTRATION: { zh: '挂号', en: 'Registration' },
  CHECKUP: { zh: '体检', en: 'Check-up' },
};

export const KIND_LABELS: Record<InvoiceKind, Label> = {
  BLUE: { zh: '蓝票（正常）', en: 'Ordinary (blue)' },
  RED: { zh: '红票（冲红）', en: 'Red (negative)' },
};

export const LOCK_STATE_LABELS: Record<LockState, Label> = {
  ACTIVE: { zh: '锁定中', en: 'Active' },
  RELEASED: { zh: '已解锁', en: 'Released' },
  REIMBURSED: { zh: '已报销', en: 'Reimbursed' },
};

export const OPERATION_LABELS: Record<InvoiceOperation, Label> = {
  ISSUE: { zh: '开具', en: 'Issue' },
  UPDATE: { zh: '更正', en: 'Update' },
  LOCK: { zh: '锁定', en: 'Lock' },
  REIMBURSE: { zh: '报销', en: 'Reimburse' },
  UNLOCK: { zh: '解锁', en: 'Unlock' },
  RED_FLUSH: { zh: '冲红', en: 'Red-flush' },
  VOID: { zh: '作废', en: 'Void' },
  WRITE_OFF: { zh: '核销', en: 'Write off' },
  IMPORT: { zh: '历史票据导入', en: 'Import (migration)' },
};

export const ORG_LABELS: Record<MspId, Label> = {
  Hospital1MSP: { zh: '区中心医院', en: 'District hospital' },
  Hospital2MSP: { zh: '社区卫生服务中心', en: 'Community health centre' },
  MedInsMSP: { zh: '医保局', en: 'Medical-insurance bureau' },
  InsurerMSP: { zh: '商业保险公司', en: 'Commercial insurer' },
  HealthCommMSP: { zh: '卫健委（平台中心）', en: 'Health commission' },
};

export const ROLE_LABELS: Record<Role, Label> = {
  billing_clerk: { zh: '收费员', en: 'Billing clerk' },
  reimbursement_officer: { zh: '报销经办人', en: 'Reimbursement officer' },
  supervisor: { zh: '监管人员', en: 'Supervisor' },
  admin: { zh: '平台管理员', en: 'Platform administrator' },
  resident: { zh: '居民', en: 'Resident' },
  doctor: { zh: '医生', en: 'Doctor' },
};

export const VERDICT_LABELS: Record<VerificationResultKind, Label> = {
  authentic: { zh: '真票：与链上记录一致', en: 'Authentic: matches the ledger' },
  tampered: {
    zh: '不一致：票据文件或数据与链上摘要不符，可能被篡改',
    en: 'Tampered: the file or data differs from the ledger',
  },
  unknown: { zh: '查无此票，或校验码不正确', en: 'Unknown: no such invoice, or a wrong check code' },
};

export const MISMATCH_LABELS: Record<VerifiableDigest, Label> = {
  pdfDigest: { zh: '上传的 PDF 与链上 SM3 摘要不符', en: 'the uploaded PDF differs from its SM3 digest on chain' },
  dataDigest: { zh: '结构化数据与链上 SM3 摘要不符', en: 'the structured data differs from its SM3 digest on chain' },
};

export const GRANT_STATUS_LABELS: Record<GrantStatus, Label> = {
  ACTIVE: { zh: '有效', en: 'Active' },
  REVOKED: { zh: '已撤销', en: 'Revoked' },
  EXPIRED: { zh: '已过期', en: 'Expired' },
  ENDED: { zh: '已终止', en: 'Ended' },
};

export const KEY_OPERATION_LABELS: Record<ResidentKeyOperation, Label> = {
  REGISTER: { zh: '登记', en: 'Register' },
  ROTATE: { zh: '更换', en: 'Rotate' },
  RECOVER: { zh: '挂失找回', en: 'Recover' },
};

export const REQUEST_STATUS_LABELS: Record<AccessRequestStatus, Label> = {
  PENDING: { zh: '待答复', en: 'Pending' },
  APPROVED: { zh: '已同意', en: 'Approved' },
  DENIED: { zh: '已拒绝', en: 'Denied' },
  EXPIRED: { zh: '已过期', en: 'Expired' },
};

export const NOTIFICATION_TYPE_LABELS: Record<NotificationType, Label> = {
  ACCESS_REQUESTED: { zh: '授权申请', en: 'Access requested' },
  ACCESS_REQUEST_APPROVED: { zh: '申请已同意', en: 'Request approved' },
  ACCESS_REQUEST_DENIED: { zh: '申请被拒绝', en: 'Request denied' },
  REFERRAL_CLOSED: { zh: '转诊已结束', en: 'Referral closed' },
  BREAK_GLASS_ACCESS: { zh: '紧急访问', en: 'Emergency access' },
  SIGNING_KEY_CHANGED: { zh: '签名密钥已变更', en: 'Signing key changed' },
  POLICIES_CHANGED: { zh: '通用规则已变更', en: 'General policies changed' },
  GENERAL: { zh: '通知', en: 'Notice' },
};

export const PURPOSE_LABELS: Record<ConsentPurpose, Label> = {
  TREATMENT: { zh: '诊疗', en: 'Treatment' },
  REFERRAL: { zh: '转诊', en: 'Referral' },
  INSURANCE_CLAIM: { zh: '保险理赔', en: 'Insurance claim' },
  RESEARCH: { zh: '科研', en: 'Research' },
  EMERGENCY: { zh: '急诊', en: 'Emergency' },
};

/** The purposes of the access log: the consent purposes, and opening a share link. */
export const ACCESS_PURPOSE_LABELS: Record<AccessLogPurpose, Label> = {
  ...PURPOSE_LABELS,
  SHARE: { zh: '分享链接', en: 'Share link' },
};

export const SHARE_LINK_STATUS_LABELS: Record<ShareLinkStatus, Label> = {
  ACTIVE: { zh: '有效', en: 'Active' },
  EXPIRED: { zh: '已过期', en: 'Expired' },
  WITHDRAWN: { zh: '已撤回', en: 'Withdrawn' },
};

export const RECORD_TYPE_LABELS: Record<HealthRecordType, Label> = {
  ENCOUNTER: { zh: '门诊/住院记录', en: 'Encounter record' },
  LAB_REPORT: { zh: '检验报告', en: 'Lab report' },
  EXAM_REPORT: { zh: '检查报告', en: 'Examination report' },
  DISCHARGE_SUMMARY: { zh: '出院小结', en: 'Discharge summary' },
  CHECKUP_REPORT: { zh: '体检报告', en: 'Check-up report' },
  PRESCRIPTION: { zh: '处方', en: 'Prescription' },
  IMAGING_REPORT: { zh: '影像报告', en: 'Imaging report' },
};

/** Failures of the page itself, besides the API's error codes. */
export type ClientErrorCode = 'NETWORK' | 'UNEXPECTED_RESPONSE';

export const ERROR_LABELS: Record<ErrorCode | ClientErrorCode, Label> = {
  INVALID_ARGUMENT: {
    zh: '参数缺失、格式错误或违反金额规则',
    en: 'An argument is missing, malformed or breaks an amount rule',
  },
  FORBIDDEN: { zh: '您无权执行此操作', en: 'You may not do this' },
  INVOICE_EXISTS: { zh: '该票据代码和号码已开具过', en: 'An invoice with this code and number was already issued' },
  INVOICE_NOT_FOUND: { zh: '查无此票据', en: 'No invoice with this code and number' },
  INVOICE_STATE_CONFLICT: {
    zh: '票据当前状态不允许此操作（已终结、已锁定、已有报销或为红票）',
    en: "The invoice's current state does not allow this (closed, locked, claimed or red)",
  },
  AMOUNT_UNAVAILABLE: {
    zh: '金额超过剩余可报销金额：其他报销方可能已锁定或报销了这部分',
    en: 'The amount exceeds what is still reimbursable: another payer may hold or have paid it',
  },
  CLAIM_EXISTS: { zh: '此票据已有该理赔单号的锁定', en: 'The invoice already has a lock for this claim id' },
  LOCK_NOT_ACTIVE: {
    zh: '该理赔单号没有有效的锁定（已报销、已解锁或已过期），不能重复报销',
    en: 'No active lock for this claim id (already reimbursed, released or expired): it cannot be paid again',
  },
  NOT_LOCK_HOLDER: {
    zh: '只有持有该锁定的机构才能执行此操作',
    en: 'Only the organisation holding the lock may do this',
  },
  CODE_NOT_ALLOCATED: {
    zh: '票据代码不在分配给本单位的代码段内',
    en: 'The invoice code is not in a range allocated to your organisation',
  },
  CODE_RANGE_OVERLAP: { zh: '代码段与已分配的代码段重叠', en: 'The code range overlaps a range already allocated' },
  ORG_NOT_REGISTERED: { zh: '本机构尚未在平台登记', en: 'Your organisation has no profile in the registry yet' },
  RESIDENT_KEY_EXISTS: {
    zh: '该居民已登记密钥，请轮换密钥，遗失时请办理密钥找回',
    en: 'The resident already has a registered key: rotate it, or recover it when lost',
  },
  RESIDENT_KEY_UNKNOWN: { zh: '该居民尚未登记密钥', en: 'No key is registered for this resident' },
  RESIDENT_KEY_SUPERSEDED: {
    zh: '签名所用的密钥已不是该居民的当前密钥',
    en: "The operation was signed with a key that is no longer the resident's current key",
  },
  SIGNATURE_INVALID: { zh: '居民的 SM2 签名验证失败', en: "The resident's SM2 signature does not verify" },
  SIGNATURE_STALE: { zh: '签名已过期，请重新签名', en: 'The signature is too old (or dated ahead): please sign again' },
  NONCE_REUSED: { zh: '该签名请求已提交过（重放）', en: 'This signed request was submitted before (a replay)' },
  GRANT_EXISTS: { zh: '已有相同编号的授权', en: 'A grant with this id already exists' },
  GRANT_NOT_FOUND: { zh: '查无此授权', en: 'No such grant' },
  GRANT_VERSION_CONFLICT: {
    zh: '授权在签名后已被修改，请刷新后重新签名',
    en: 'The grant changed since it was signed: reload it and sign again',
  },
  POLICY_VERSION_CONFLICT: {
    zh: '您的授权策略偏好在签名后已被修改，请刷新后重新签名',
    en: 'Your policy preferences changed since they were signed: reload them and sign again',
  },
  CONSENT_NOT_ACTIVE: {
    zh: '授权已撤销、已终止或已过期，不能再修改',
    en: 'The grant is revoked, ended or expired and can no longer be changed',
  },
  ACCESS_REQUEST_NOT_FOUND: { zh: '查无此授权申请', en: 'No such access request' },
  ACCESS_REQUEST_DECIDED: { zh: '该申请已被同意或拒绝', en: 'This request was already approved or denied' },
  ACCESS_REQUEST_EXPIRED: { zh: '该申请已过期，不能再处理', en: 'This request expired and can no longer be answered' },
  REQUEST_GRANT_MISMATCH: {
    zh: '签名的授权与申请的对象、目的、范围或期限不一致',
    en: 'The signed grant does not match the request (grantee, purpose, scope or validity)',
  },
  NOTIFICATION_NOT_FOUND: { zh: '查无此通知', en: 'No such notification' },
  RECORD_EXISTS: { zh: '该健康档案已登记索引', en: 'This health record is already indexed' },
  RECORD_NOT_FOUND: { zh: '查无此健康档案索引', en: 'No such health record index' },
  RECORD_QUALITY_FAILED: {
    zh: '更正后的档案索引仍未通过数据质量规则',
    en: 'The corrected index still breaks data-quality rules',
  },
  QUALITY_ERROR_NOT_FOUND: { zh: '查无此质控错误记录', en: 'No such rejected index' },
  QUALITY_ERROR_RESOLVED: { zh: '该错误记录已更正并登记', en: 'This rejected index was already corrected' },
  RESIDENT_NOT_FOUND: { zh: '主索引中查无此居民', en: 'No such resident in the EMPI' },
  EMPI_LINK_NOT_FOUND: { zh: '该患者尚未关联主索引', en: 'This patient is not linked in the EMPI' },
  EMPI_CONFLICT: { zh: '合并或拆分与主索引现状冲突', en: 'The merge or split conflicts with the EMPI as it is' },
  RECORD_RETRACTED: {
    zh: '该健康档案已撤回，不能再修改',
    en: 'The health record was retracted and can no longer be changed',
  },
  RECORD_NOT_OWNER: { zh: '只有档案来源机构可以修改', en: "Only the record's source organisation may change it" },
  BATCH_NOT_FOUND: { zh: '查无此档案批次', en: 'No such record batch' },
  INTERNAL: { zh: '服务内部错误，请稍后重试', en: 'Internal error; please try again later' },
  VALIDATION: { zh: '输入不符合要求', en: 'The input is not valid' },
  UNAUTHENTICATED: {
    zh: '未登录或登录已失效，请重新登录',
    en: 'Not signed in, or the session expired: please sign in again',
  },
  NOT_FOUND: { zh: '未找到', en: 'Not found' },
  CONFLICT: { zh: '与当前状态冲突', en: 'Conflicts with the current state' },
  IDEMPOTENCY_KEY_REUSED: {
    zh: '重复提交的请求与首次提交的内容不一致',
    en: 'This request was submitted before with different content',
  },
  RATE_LIMITED: { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; please slow down' },
  METHOD_NOT_ALLOWED: { zh: '该地址不支持此操作', en: 'This address does not accept that method' },
  PAYLOAD_TOO_LARGE: { zh: '提交的内容过大', en: 'The request is too large' },
  UNSUPPORTED_MEDIA_TYPE: { zh: '不支持的内容格式或编码', en: 'Unsupported content type or encoding' },
  LEDGER_UNAVAILABLE: {
    zh: '区块链暂时无法访问，请稍后重试',
    en: 'The ledger cannot be reached; please try again later',
  },
  ACCESS_ANCHOR_CONFLICT: {
    zh: '该存证批次已以不同内容上链',
    en: 'This access-log anchor is already on chain with other content',
  },
  ACCESS_ANCHOR_NOT_FOUND: { zh: '查无此存证批次', en: 'No such access-log anchor' },
  EMPI_AUDIT_ANCHOR_CONFLICT: {
    zh: '链上主索引审计锚点更新或哈希不符',
    en: 'The EMPI audit head on chain is newer or has another hash',
  },
  ACCESS_DECISION_NOT_FOUND: { zh: '链上查无此调阅决定', en: 'No such access decision on chain' },
  ACCESS_REFUSED: { zh: '调阅被拒绝（已记录）', en: 'Access refused (the refusal is recorded)' },
  ACCESS_RECORD_NOT_FOUND: { zh: '查无此调阅记录', en: 'No such access record' },
  CONTENT_NOT_STORED: { zh: '平台未存储该档案内容', en: "The record's content is not stored on the platform" },
  CONTENT_DIGEST_MISMATCH: {
    zh: '链下存储的内容（档案或票据）与链上摘要不符（可能被篡改）',
    en: 'The stored content (record or invoice) does not match its digest on chain (possibly tampered)',
  },
  STORAGE_UNAVAILABLE: {
    zh: '链下存储暂时无法访问，请稍后重试',
    en: 'Off-chain storage cannot be reached; please try again later',
  },
  SHARE_LINK_NOT_FOUND: { zh: '查无此分享链接', en: 'No such share link' },
  SHARE_LINK_EXPIRED: { zh: '分享链接已过期', en: 'The share link has expired' },
  SHARE_LINK_WITHDRAWN: { zh: '分享链接已被居民撤回', en: 'The resident withdrew this share link' },
  NETWORK: { zh: '无法连接服务器', en: 'Cannot reach the server' },
  UNEXPECTED_RESPONSE: {
    zh: '服务器返回了无法识别的应答',
    en: 'The server sent an answer this page does not understand',
  },
};

/** Whether `value` is a key of `table` (the table lists every value of its key type). */
export function isKeyOf<K extends string>(table: Record<K, unknown>, value: string): value is K {
  return Object.prototype.hasOwnProperty.call(table, value);
}
