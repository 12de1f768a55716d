// UI text in Simplified Chinese (default) and English. The language is chosen
// by #lang=zh|en in the URL, then the toggle (kept in localStorage), else zh.
// Static elements carry data-i18n (text), data-i18n-placeholder, data-i18n-title.
// Messages from the server are shown as the server wrote them.

const TEXT = {
  // shared
  'lang.toggle': ['English', '中文'],
  'app.name': ['Podium 赛事评分', 'Podium scoring'],
  'net.online': ['在线', 'Online'],
  'net.offline': ['离线', 'Offline'],
  'net.unknown': ['连接中…', 'Connecting…'],
  'login.token': ['登录令牌', 'Access token'],
  'login.tokenHint': ['扫描二维码或输入令牌', 'Scan the QR code or type the token'],
  'login.submit': ['登录', 'Log in'],
  'login.logout': ['退出登录', 'Log out'],
  'login.empty': ['请输入令牌。', 'Enter a token.'],
  'login.refused': ['令牌无效或已被撤销：{message}', 'The token was refused: {message}'],
  'login.forbidden': ['此令牌不能使用本页面：{message}', 'This token cannot use this page: {message}'],
  'login.offline': ['无法连接服务器，请检查网络后重试。', 'Cannot reach the server: check the network and try again.'],
  'login.offlineCached': ['服务器暂时无法连接：显示本机保存的评分表，评分会保存在本机并在恢复连接后发送。',
    'The server cannot be reached: showing the sheet saved on this device. Marks are kept here and sent when the connection is back.'],
  'common.cancel': ['取消', 'Cancel'],
  'common.close': ['关闭', 'Close'],
  'common.refresh': ['刷新', 'Refresh'],
  'common.none': ['无', 'None'],
  'common.loading': ['加载中…', 'Loading…'],
  'common.yes': ['确认', 'Confirm'],
  'common.error': ['错误：{message}', 'Error: {message}'],

  // judge page
  'judge.title': ['裁判评分', 'Judge scoring'],
  'judge.loginTitle': ['裁判员登录', 'Judge login'],
  'judge.item': ['评分项目', 'Item'],
  'judge.itemInfo': ['满分 {max} · 步长 {step}', 'max {max} · step {step}'],
  'judge.locked': ['已被裁判长锁定，不能评分', 'Locked by the chief judge: no marks can be entered'],
  'judge.progress': ['已评 {done} / {total}', '{done} / {total} marked'],
  'judge.queue': ['选手队列', 'Contestants'],
  'judge.noItems': ['没有分配给您的评分项目。', 'No items are assigned to you.'],
  'judge.pick': ['请从左侧选择选手', 'Pick a contestant from the list'],
  'judge.bib': ['选手编号', 'Bib'],
  'judge.modeMark': ['评分', 'Mark'],
  'judge.modeCorrect': ['修正评分', 'Correct mark'],
  'judge.current': ['当前评分：{value}', 'Current mark: {value}'],
  'judge.currentWaiting': ['当前评分：{value}（待发送）', 'Current mark: {value} (waiting to be sent)'],
  'judge.range': ['范围 0 – {max}，步长 {step}', 'Range 0 – {max}, step {step}'],
  'judge.value': ['分数', 'Mark'],
  'judge.time': ['用时（秒，可选）', 'Time used (seconds, optional)'],
  'judge.reason': ['修正原因（必填）', 'Reason for the correction (required)'],
  'judge.reasonPlaceholder': ['例如：录入错误', 'e.g. typing error'],
  'judge.submit': ['提交 Submit', 'Submit 提交'],
  'judge.submitCorrection': ['提交修正 Submit correction', 'Submit correction 提交修正'],
  'judge.clear': ['清除', 'Clear'],
  'judge.confirmTitle': ['请确认', 'Please confirm'],
  'judge.confirmMark': ['选手 {bib} · {item}', 'Bib {bib} · {item}'],
  'judge.confirmCorrection': ['由 {from} 修正为', 'Correct from {from} to'],
  'judge.confirmReason': ['原因：{reason}', 'Reason: {reason}'],
  'judge.confirmTime': ['用时 {time} 秒', 'time used {time} s'],
  'judge.confirmYes': ['确认提交', 'Confirm'],
  'judge.confirmNo': ['返回修改', 'Back'],
  'judge.saved': ['已保存：{bib} {value}', 'Saved: {bib} {value}'],
  'judge.storageFailed': ['无法保存到本机存储，评分未提交：{message}', 'Could not save on this device; the mark was not submitted: {message}'],
  'judge.outbox': ['本机评分记录', 'Marks from this device'],
  'judge.outboxEmpty': ['暂无记录', 'Nothing yet'],
  'judge.syncNow': ['立即同步', 'Sync now'],
  'judge.dismiss': ['知道了', 'Dismiss'],
  'judge.reenter': ['重新录入', 'Enter again'],
  'judge.kindMark': ['评分', 'mark'],
  'judge.kindCorrection': ['修正', 'correction'],
  'judge.otherJudge': ['裁判 {judge}', 'judge {judge}'],
  'judge.blind': ['（加密编号）', '(blind number)'],

  'sync.sent': ['已全部同步', 'All sent'],
  'sync.waiting': ['{n} 条待发送', '{n} waiting'],
  'sync.refused': ['{n} 条被拒绝', '{n} refused'],
  'sync.auth': ['需要重新登录才能发送', 'Log in again to send'],
  'sync.nextTry': ['{s} 秒后重试', 'retry in {s} s'],
  'mark.sent': ['已发送', 'Sent'],
  'mark.duplicate': ['已发送（服务器已有）', 'Sent (server already had it)'],
  'mark.waiting': ['待发送', 'Waiting'],
  'mark.sending': ['发送中…', 'Sending…'],
  'mark.retrying': ['待发送（第 {n} 次尝试失败：{message}）', 'Waiting (attempt {n} failed: {message})'],
  'mark.auth': ['待发送（令牌被拒绝，请重新登录）', 'Waiting (token refused: log in again)'],
  'mark.refused': ['被拒绝：{message}', 'Refused: {message}'],
  'mark.awaiting': ['已发送，等待复核录入', 'Sent, awaiting confirmation'],
  'queue.todo': ['未评', 'To do'],
  'queue.marked': ['已评', 'Marked'],
  'queue.waiting': ['待发送', 'Waiting'],
  'queue.refused': ['被拒绝', 'Refused'],

  'err.empty': ['请输入分数。', 'Enter a mark.'],
  'err.notNumber': ['“{text}”不是数字。', '"{text}" is not a number.'],
  'err.range': ['{value} 超出范围：应在 0 到 {max} 之间。', '{value} is out of range: 0 to {max}.'],
  'err.step': ['{value} 不是步长 {step} 的整数倍。', '{value} is not a multiple of the step {step}.'],
  'err.seconds': ['用时应为非负秒数。', 'Time used must be a non-negative number of seconds.'],
  'err.reason': ['修正必须填写原因。', 'A correction needs a reason.'],
  'err.locked': ['该项目已锁定。', 'This item is locked.'],
  'err.noBib': ['请先选择选手。', 'Pick a contestant first.'],

  // chief judge page
  'chief.title': ['裁判长工作台', 'Chief judge'],
  'chief.loginTitle': ['裁判长登录', 'Chief judge login'],
  'chief.review': ['复核队列', 'Review queue'],
  'chief.reviewEmpty': ['没有需要复核的评分。', 'Nothing to review.'],
  'chief.panels': ['评分差异超出允许范围', 'Panels over tolerance'],
  'chief.conflicts': ['纸质录入不一致', 'Transcription conflicts'],
  'chief.spread': ['极差 {spread}（允许 {tolerance}）', 'spread {spread} (tolerance {tolerance})'],
  'chief.firstSecond': ['第一次 {first}（{a}） · 第二次 {second}（{b}）', 'first {first} ({a}) · second {second} ({b})'],
  'chief.allTrades': ['全部工种', 'All trades'],
  'chief.autoRefresh': ['自动刷新', 'Auto refresh'],
  'chief.updated': ['更新于 {time}', 'Updated {time}'],
  'chief.actions': ['评分操作', 'Mark actions'],
  'chief.bib': ['选手编号', 'Bib'],
  'chief.item': ['项目', 'Item'],
  'chief.judge': ['裁判', 'Judge'],
  'chief.value': ['分数', 'Value'],
  'chief.reason': ['原因', 'Reason'],
  'chief.reasonPlaceholder': ['修正和作废必须填写原因', 'Required for corrections and voids'],
  'chief.correct': ['修正 Correct', 'Correct 修正'],
  'chief.void': ['作废 Void', 'Void 作废'],
  'chief.enter': ['代录评分 Enter', 'Enter mark 代录'],
  'chief.history': ['历史 History', 'History 历史'],
  'chief.historyTitle': ['评分历史', 'Mark history'],
  'chief.historyEmpty': ['没有记录。', 'No events.'],
  'chief.hSeq': ['序号', 'Seq'],
  'chief.hTime': ['时间', 'When'],
  'chief.hActor': ['操作人', 'Who'],
  'chief.hDevice': ['设备', 'Device'],
  'chief.hKind': ['类型', 'Kind'],
  'chief.hJudge': ['裁判', 'Judge'],
  'chief.hValue': ['分数', 'Value'],
  'chief.hReason': ['原因 / 备注', 'Why / note'],
  'chief.locks': ['锁定', 'Locks'],
  'chief.lockTarget': ['项目或赛项（trade:event.item 或 trade:event.*）', 'Item or event (trade:event.item or trade:event.*)'],
  'chief.lock': ['锁定 Lock', 'Lock 锁定'],
  'chief.unlock': ['解锁 Unlock', 'Unlock 解锁'],
  'chief.locked': ['已锁定', 'locked'],
  'chief.unlocked': ['未锁定', 'open'],
  'chief.wholeEvent': ['整个赛项', 'whole event'],
  'chief.phase': ['赛程阶段', 'Phase'],
  'chief.phaseNow': ['当前阶段：{phase}', 'Phase: {phase}'],
  'chief.frozenAt': ['封榜时间 {time}', 'frozen at {time}'],
  'chief.freezeAt': ['定时封榜 {time}', 'freeze scheduled at {time}'],
  'chief.released': ['成绩已发布', 'results released'],
  'chief.notReleased': ['成绩未发布', 'results not released'],
  'chief.freeze': ['封榜 Freeze', 'Freeze 封榜'],
  'chief.freezeAtLabel': ['定时封榜（可选）', 'Scheduled freeze (optional)'],
  'chief.unfreeze': ['解除封榜 Unfreeze', 'Unfreeze 解除封榜'],
  'chief.final': ['成绩最终确认 Final', 'Make final 最终确认'],
  'chief.release': ['发布成绩 Release results', 'Release results 发布成绩'],
  'chief.exports': ['导出 Exports', 'Exports 导出'],
  'chief.exportsFinal': ['成绩已最终确认，导出为正式成绩。', 'Results are final: exports are official.'],
  'chief.exportsProvisional': ['成绩尚未最终确认：导出文件每页标注“暂定成绩”。', 'Results are not final: every exported page says provisional.'],
  'chief.publishFrom': ['公示开始', 'Notice from'],
  'chief.publishTo': ['公示结束', 'Notice until'],
  'export.results.xlsx': ['成绩总表 (Excel)', 'Results workbook (Excel)'],
  'export.awards.csv': ['获奖名单 (CSV)', 'Award list (CSV)'],
  'export.notice.html': ['成绩公示 (打印)', 'Results notice (print)'],
  'export.notice.pdf': ['成绩公示 (PDF)', 'Results notice (PDF)'],
  'export.results.json': ['全部成绩 (JSON)', 'All results (JSON)'],
  'export.audit.xlsx': ['审计日志 (Excel)', 'Audit trail (Excel)'],
  'chief.phaseReason': ['原因（记入账本）', 'Reason (kept in the ledger)'],
  'chief.confirmFinal': ['最终确认后任何成绩都不能再修改。确定吗？', 'After this nothing can change any more. Sure?'],
  'chief.confirmRelease': ['发布成绩后，大屏和裁判将看到最终成绩和姓名。确定吗？', 'Screens and judges will see the final results and names. Sure?'],
  'chief.confirmVoid': ['作废 {judge} 对 {bib} 在 {item} 上的评分？', 'Void judge {judge}\'s mark for {bib} on {item}?'],
  'chief.done': ['完成：{what}（账本序号 {seq}）', 'Done: {what} (ledger sequence {seq})'],
  'chief.doneDuplicate': ['已完成（重复提交，按原结果）：{what}', 'Already done (retry answered with the original): {what}'],
  'chief.doneSimple': ['完成：{what}', 'Done: {what}'],
  'chief.failed': ['失败：{message}', 'Failed: {message}'],
  'chief.pending': ['处理中…', 'Working…'],
  'chief.notConfirmed': ['未收到服务器确认：{message}。可再次点击重试（不会重复计入）。', 'No answer from the server: {message}. Click again to retry (it will not count twice).'],
  'chief.needFields': ['请填写：{fields}', 'Please fill in: {fields}'],
  'chief.sheetOf': ['裁判评分表', 'Judge sheet'],
  'chief.analytics': ['裁判分析 Judge analytics', 'Judge analytics 裁判分析'],
  'chief.analyticsShow': ['展开', 'Show'],
  'chief.analyticsHide': ['收起', 'Hide'],
  'chief.analyticsIntro': ['每位裁判在各项目上的评分与同组其他裁判的比较。', 'How each judge marks each item, compared with the rest of the panel.'],
  'chief.analyticsEmpty': ['还没有评分。', 'No marks yet.'],
  'chief.analyticsItemEmpty': ['该项目还没有评分。', 'No marks on this item yet.'],
  'chief.analyticsNone': ['没有需要裁判组评分的项目。', 'No items are marked by a panel of judges.'],
  'chief.analyticsAttention': ['{n} 行需要关注', '{n} rows need attention'],
  'chief.analyticsAttention1': ['1 行需要关注', '1 row needs attention'],
  'chief.analyticsAllClear': ['没有需要关注的裁判。', 'Nothing needs attention.'],
  'chief.analyticsItemAttention': ['{n} 行需关注', '{n} rows to check'],
  'chief.analyticsItemAttention1': ['1 行需关注', '1 row to check'],
  'chief.aJudge': ['裁判', 'Judge'],
  'chief.aMarks': ['评分数', 'Marks'],
  'chief.aMarksCompared': ['{compared} 条可与同组比较', '{compared} compared with the panel'],
  'chief.aDeviation': ['平均偏差', 'Mean dev.'],
  'chief.aAbsDeviation': ['平均绝对偏差', 'Mean |dev.|'],
  'chief.aDropped': ['被去掉', 'Dropped'],
  'chief.aSpread': ['极差异常', 'Spread outliers'],
  'chief.aSeverity': ['Rasch 严厉度', 'Rasch severity'],
  'chief.aSeveritySe': ['± 标准误', '± S.E.'],
  'chief.aInfit': ['Infit', 'Infit'],
  'chief.aOutfit': ['Outfit', 'Outfit'],
  'chief.aAttention': ['提示', 'Attention'],
  'flag.lenient': ['偏宽', 'lenient'],
  'flag.harsh': ['偏严', 'harsh'],
  'flag.dropped': ['常被去掉', 'often dropped'],
  'flag.spread': ['极差异常', 'spread outlier'],
  'flag.erratic': ['评分不稳定', 'erratic'],
  'flag.predictable': ['过于一致', 'too predictable'],
  'chief.legendTitle': ['高亮说明', 'Highlighted when'],
  'chief.legendDeviation': ['平均偏差（该裁判评分减去同组其他评分的平均，负数为偏严）的绝对值 ≥ 本项目其他裁判该值中位数的 {ratio} 倍，且不小于半个步长与满分的 2.5%（至少 3 名裁判时比较）。',
    '|mean deviation| (the judge\'s mark minus the mean of the panel\'s other marks; negative is harsher) ≥ {ratio} × the median of the item\'s other judges, and at least half a step and 2.5 % of the maximum (3 judges or more).'],
  'chief.legendDropped': ['被评分规则去掉 ≥ 50%（中位数等本来去掉多数评分的规则：≥ 本项目总体比例与 100% 的中点）。',
    'the panel rule dropped ≥ 50 % of the marks (rules that drop most marks anyway, such as a median: halfway from the item\'s overall share to 100 %).'],
  'chief.legendSpread': ['在极差超出允许范围的评分组中，该裁判离中位数最远（至少一次）。',
    'furthest from the median on a panel over tolerance (at least once).'],
  'chief.legendFit': ['Rasch Infit 或 Outfit > 1.5 / < 0.5（约 1 为符合模型）；严厉度为正表示偏严（logit）。',
    'Rasch infit or outfit > 1.5 / < 0.5 (about 1 fits the model); a positive severity is harsher (logits).'],
  'phase.PHASE_OPEN': ['进行中', 'Open'],
  'phase.PHASE_FROZEN': ['已封榜', 'Frozen'],
  'phase.PHASE_FINAL': ['已最终确认', 'Final'],
  'phase.PHASE_UNSPECIFIED': ['未知', 'Unknown'],

  // big screen
  'screen.leaderboard': ['排行榜', 'Leaderboard'],
  'screen.teams': ['团体成绩', 'Team standings'],
  'screen.medals': ['奖牌榜', 'Medal tally'],
  'screen.rank': ['名次', 'Rank'],
  'screen.bib': ['编号', 'Bib'],
  'screen.name': ['姓名', 'Name'],
  'screen.org': ['单位', 'Organization'],
  'screen.total': ['总分', 'Total'],
  'screen.award': ['奖项', 'Award'],
  'screen.team': ['代表队', 'Team'],
  'screen.members': ['人数', 'Members'],
  'screen.delegation': ['代表团', 'Delegation'],
  'screen.awarded': ['获奖总数', 'Awarded'],
  'screen.latest': ['最新成绩', 'Latest'],
  'screen.frozen': ['封榜 Frozen', '封榜 Frozen'],
  'screen.frozenNote': ['成绩将在颁奖典礼揭晓', 'Final results will be revealed at the ceremony'],
  'screen.live': ['实时', 'Live'],
  'screen.connecting': ['连接中…', 'Connecting…'],
  'screen.reconnecting': ['重新连接中…', 'Reconnecting…'],
  'screen.unauthorized': ['令牌被拒绝', 'Token refused'],
  'screen.noToken': ['请在网址中提供大屏令牌：/screen#token=…', 'Give a display token in the address: /screen#token=…'],
  'screen.waiting': ['等待成绩…', 'Waiting for results…'],
  'screen.incomplete': ['未完成', 'incomplete'],
  'screen.review': ['待复核', 'under review'],
  'screen.reveal': ['颁奖揭晓', 'Award reveal'],
  'screen.revealStep': ['{step} / {total}', '{step} / {total}'],
  'screen.revealFrozenData': ['注意：当前为封榜数据', 'Note: these are the frozen standings'],
  'screen.revealDone': ['揭晓完毕', 'All revealed'],
  'screen.hidden': ['？？？', '???'],
  'screen.up': ['升 {n}', 'up {n}'],
  'screen.down': ['降 {n}', 'down {n}'],
  'screen.rankN': ['第 {n} 名', 'rank {n}'],
  'status.CONTESTANT_STATUS_ABSENT': ['缺考', 'Absent'],
  'status.CONTESTANT_STATUS_WITHDRAWN': ['弃赛', 'Withdrawn'],
  'status.CONTESTANT_STATUS_DISQUALIFIED': ['取消资格', 'Disqualified'],
};

const LANGS = ['zh', 'en'];
const STORAGE_NAME = 'podium.lang';
let current = 'zh';

export function initLang(hashParams, storage) {
  const fromHash = hashParams && hashParams.get('lang');
  let stored = null;
  try {
    stored = storage && storage.getItem(STORAGE_NAME);
  } catch { /* no storage */ }
  current = LANGS.includes(fromHash) ? fromHash : LANGS.includes(stored) ? stored : 'zh';
  applyDocumentLang();
  return current;
}

export function lang() {
  return current;
}

export function setLang(next, storage) {
  current = LANGS.includes(next) ? next : 'zh';
  try {
    if (storage) storage.setItem(STORAGE_NAME, current);
  } catch { /* ignore */ }
  applyDocumentLang();
  return current;
}

function applyDocumentLang() {
  if (typeof document !== 'undefined') {
    document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  }
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(TEXT, key);
}

// t('sync.waiting', { n: 3 }) -> "3 条待发送"
export function t(key, params = {}) {
  const entry = TEXT[key];
  const text = entry ? entry[current === 'en' ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (params[name] !== undefined ? String(params[name]) : m));
}

// Fills data-i18n / data-i18n-placeholder / data-i18n-title under root.
export function applyI18n(root) {
  const scope = root || document;
  for (const node of scope.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of scope.querySelectorAll('[data-i18n-placeholder]')) {
    node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  }
  for (const node of scope.querySelectorAll('[data-i18n-title]')) {
    node.setAttribute('title', t(node.dataset.i18nTitle));
  }
}
