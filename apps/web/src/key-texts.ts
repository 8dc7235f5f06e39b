/**
 * Labels and messages of adjusting a grant and of recovering a lost key (the resident's phone page
 * and the hospital counter), in Chinese and English; part of TEXTS.
 */
import type { Label } from './labels.js';

export const CHANGE_AND_RECOVERY_TEXTS = {
  'change.action': { zh: '调整', en: 'Adjust' },
  'change.title': { zh: '调整授权', en: 'Adjust the grant' },
  'change.note': {
    zh: '可调整档案类型、字段、有效期和次数上限；被授权人和用途不变。调整需用本机密钥签名。',
    en: 'Change the record types, fields, validity and use limit; grantee and purpose stay. The change is signed with the key on this phone.',
  },
  'change.records': { zh: '指定病历（不变）', en: 'Specific records (unchanged)' },
  'change.uses': { zh: '已使用 {uses} 次', en: 'Used {uses} times' },
  'change.submit': { zh: '签名并保存调整', en: 'Sign and save' },
  'change.cancel': { zh: '取消', en: 'Cancel' },
  'change.done': { zh: '授权已调整（第 {version} 版）。', en: 'The grant is adjusted (version {version}).' },
  'change.unchanged': { zh: '没有任何改动，无需签名。', en: 'Nothing was changed: there is nothing to sign.' },
  'change.ended': {
    zh: '结束日期已过：请选择今天或以后的日期，或直接撤销授权。',
    en: 'The last day has passed: choose today or later, or revoke the grant.',
  },
  'change.belowUses': {
    zh: '次数上限不能少于已使用的 {uses} 次',
    en: 'The use limit cannot be below the {uses} uses already made',
  },
  'change.reloaded': {
    zh: '授权已在别处变更或已失效，列表已刷新，请查看后重试。',
    en: 'The grant changed elsewhere or is no longer active: the list is refreshed, check it and try again.',
  },
  'key.lastOperation': { zh: '最近操作：{operation}（{at}）', en: 'Last operation: {operation} ({at})' },
  'recover.title': { zh: '在本机找回密钥', en: 'Recover my key on this phone' },
  'recover.note': {
    zh: '原手机丢失或损坏时：在本机生成新密钥并设置口令，然后在医院收费窗口或平台中心出示恢复码和本人身份证件。工作人员核验后提交，原密钥即失效。',
    en: 'If the phone holding your key is lost or broken: make a new key here under a passphrase, then show the recovery code and your ID at a hospital counter or the platform centre. Once staff submit it, the old key no longer signs.',
  },
  'recover.create': { zh: '生成新密钥和恢复码', en: 'Make a new key and a recovery code' },
  'recover.codeNote': {
    zh: '请在 {until} 前将此码连同身份证件出示给工作人员；过期请重新生成。',
    en: 'Show this code with your ID to the staff before {until}; after that, make a new one.',
  },
  'recover.copy': { zh: '复制恢复码', en: 'Copy the code' },
  'recover.check': { zh: '工作人员已提交，刷新状态', en: 'Staff submitted it: refresh' },
  'recover.pending': {
    zh: '尚未恢复：请等工作人员提交后再刷新。',
    en: 'Not recovered yet: refresh once the staff have submitted it.',
  },
  'recover.done': {
    zh: '密钥已找回（第 {version} 版），本机持有当前密钥。',
    en: 'The key is recovered (version {version}); this phone holds it.',
  },
  'recover.badCode': {
    zh: '恢复码不完整或已被改动，请让居民重新生成。',
    en: 'The recovery code is incomplete or altered: ask the resident to make a new one.',
  },
  'recover.expired': {
    zh: '恢复码已过期，请让居民重新生成。',
    en: 'The recovery code has expired: ask the resident to make a new one.',
  },
  'keyRecovery.title': { zh: '居民密钥找回', en: 'Resident key recovery' },
  'keyRecovery.note': {
    zh: '居民手机丢失时：先核验居民本人身份证件，再粘贴或扫描其新手机上的恢复码，填写原因后提交。',
    en: "When a resident's phone is lost: check the resident's ID in person, paste or scan the recovery code on the new phone, give a reason and submit.",
  },
  'keyRecovery.code': { zh: '恢复码', en: 'Recovery code' },
  'keyRecovery.read': { zh: '读取恢复码', en: 'Read the code' },
  'keyRecovery.resident': { zh: '居民编号', en: 'Resident id' },
  'keyRecovery.version': { zh: '替换的密钥版本', en: 'Replaces key version' },
  'keyRecovery.newKey': { zh: '新公钥', en: 'New public key' },
  'keyRecovery.until': { zh: '有效期至', en: 'Valid until' },
  'keyRecovery.reason': { zh: '原因', en: 'Reason' },
  'keyRecovery.reasonHint': { zh: '如：手机丢失，已核验身份证', en: 'e.g. phone lost, ID card checked' },
  'keyRecovery.identity': {
    zh: '我已当面核验居民本人的身份证件',
    en: "I have checked the resident's identity document in person",
  },
  'keyRecovery.submit': { zh: '提交找回', en: 'Submit the recovery' },
  'keyRecovery.identityRequired': {
    zh: '请先当面核验居民身份并勾选确认',
    en: "Check the resident's identity in person and tick the box first",
  },
  'keyRecovery.reasonRequired': { zh: '请填写原因', en: 'Give a reason' },
  'keyRecovery.done': {
    zh: '已找回：居民密钥现为第 {version} 版，最近操作：{operation}。',
    en: "Recovered: the resident's key is now version {version}, last operation: {operation}.",
  },
} as const satisfies Record<string, Label>;
