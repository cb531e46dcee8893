"""The closed vocabulary of ledger actions. A ledger entry's ``action`` is always one of these."""

from __future__ import annotations

from django.db import models


class LedgerAction(models.TextChoices):
    # configuration (orgs)
    ORG_SAVED = "org.saved", "保存组织"
    PERSON_SAVED = "person.saved", "保存人员"
    PASSWORD_SET = "person.password_set", "设置密码"
    ROLE_GRANTED = "role.granted", "授予角色"
    ROLE_ACTIVE_SET = "role.active_set", "启用/停用角色"
    CERTIFICATE_SAVED = "certificate.saved", "保存执法证"
    DEVICE_SAVED = "device.saved", "保存记录设备"
    ROOM_SAVED = "room.saved", "保存询问室/听证室"
    CALENDAR_CHANGED = "calendar.day_set", "调整工作日"
    CALENDAR_YEAR_DECLARED = "calendar.year_declared", "录入年度放假安排"
    PARAMETER_OVERRIDDEN = "rulebook.parameter_overridden", "调整规则集参数"
    # access (IMR-6)
    SIGNED_IN = "auth.signed_in", "登录"
    SIGN_IN_FAILED = "auth.sign_in_failed", "登录失败"
    LOCKED_OUT = "auth.locked_out", "账户锁定"
    SIGNED_OUT = "auth.signed_out", "退出登录"
    # cases
    COMPLAINT_REGISTERED = "complaint.registered", "登记投诉举报"
    COMPLAINT_DECLINED = "complaint.declined", "投诉举报不予受理"
    APPLICATION_REGISTERED = "application.registered", "登记申请"
    APPLICATION_CORRECTION_REQUESTED = "application.correction_requested", "一次告知补正"
    APPLICATION_CORRECTED = "application.corrected", "申请人补正材料"
    APPLICATION_REJECTED = "application.rejected", "驳回申请（不予受理）"
    CASE_REGISTERED = "case.registered", "立案登记"
    OPENING_REQUESTED = "case.opening_requested", "提交立案审批"
    OPINION_GIVEN = "case.opinion_given", "承办机构意见"
    OPENING_APPROVED = "case.opening_approved", "批准立案"
    OPENING_REFUSED = "case.opening_refused", "不予立案"
    HANDLER_ADDED = "case.handler_added", "增加承办人"
    HANDLER_RECUSED = "case.handler_recused", "承办人回避"
    PHASE_CHANGED = "case.phase_changed", "进入下一阶段"
    STATUS_CHANGED = "case.status_changed", "案件状态变更（中止、恢复、终止、移送）"
    CASE_VIEWED = "case.viewed", "调阅案件"
    ACCESS_REQUESTED = "case.access_requested", "登记当事人查阅执法记录申请"
    ACCESS_APPROVED = "case.access_approved", "负责人同意当事人查阅"
    ACCESS_REFUSED = "case.access_refused", "负责人不同意当事人查阅"
    RECORDS_READ = "case.records_read", "当事人查阅执法记录"
    CONFIDENTIALITY_REVIEWED = "case.confidentiality_reviewed", "确认归档保密审查"
    # leads (NHSA-LEAD)
    LEAD_REGISTERED = "lead.registered", "登记线索"
    LEAD_EXTENDED = "lead.extended", "批准延长线索核查期限"
    LEAD_NOT_OPENED = "lead.not_opened", "线索不予立案"
    LEAD_CASE_OPENED = "lead.case_opened", "线索立案"
    # records
    RECORD_ADDED = "record.added", "制作记录"
    RECORD_SIGNED = "record.signed", "签署记录"
    RECORD_CORRECTED = "record.corrected", "更正记录"
    ATTACHMENT_ADDED = "record.attachment_added", "上传记录附件（签名页扫描件等）"
    RECORD_MARKED_CONFIDENTIAL = "record.marked_confidential", "标记涉密记录"
    # evidence
    AV_RECORD_ADDED = "evidence.av_record_added", "登记音像记录"
    AV_FILE_STORED = "evidence.file_stored", "存储音像文件"
    AV_TRANSCRIPT_SET = "evidence.transcript_set", "录入声音内容文字记录"
    AV_RETURN_RECORDED = "evidence.return_recorded", "登记返回单位时间"
    AV_GAP_EXPLAINED = "evidence.gap_explained", "说明音像记录中止"
    AV_CONFIRMED = "evidence.confirmed", "确认音像记录内容"
    AV_VIEWED = "evidence.viewed", "调阅音像文件"
    AV_DOWNLOADED = "evidence.downloaded", "下载音像文件"
    AV_STATION_SAVED = "evidence.station_saved", "保存采集工作站"
    AV_STATION_RECEIVED = "evidence.station_received", "采集工作站上传文件"
    AV_FIXITY_FAILED = "evidence.fixity_failed", "音像文件校验不符"
    # checklists a person confirms, and AV omitted where the written record suffices (rulebook)
    CHECKLIST_CONFIRMED = "checklist.confirmed", "确认核对事项"
    AV_OMISSION_STATED = "checklist.av_omission_stated", "说明不进行音像记录"
    # disclosure
    DISCLOSURE_DRAFTED = "disclosure.drafted", "起草公示信息"
    DISCLOSURE_REVISED = "disclosure.revised", "修改公示信息（新版本）"
    DISCLOSURE_SUBMITTED = "disclosure.submitted", "提交公示审核"
    DISCLOSURE_PUBLISHED = "disclosure.published", "公开公示信息"
    DISCLOSURE_WITHHELD = "disclosure.withheld", "不予公示"
    DISCLOSURE_WITHDRAWAL_REGISTERED = "disclosure.withdrawal_registered", "登记应撤回的公示信息"
    DISCLOSURE_WITHDRAWN = "disclosure.withdrawn", "撤回公示信息"
    DISCLOSURE_RESCANNED = "disclosure.rescanned", "重新检测已公开信息，发现未遮蔽内容"
    CORRECTION_RECEIVED = "disclosure.correction_received", "收到更正申请"
    CORRECTION_ANSWERED = "disclosure.correction_answered", "处理更正申请"
    REACTION_CONFIRMED = "disclosure.reaction_confirmed", "确认舆情跟踪"
    # the ledger itself
    KEY_ROTATED = "ledger.key_rotated", "更换签名密钥"
    # evidence (later additions: appended at the end so that the vocabulary's order stays stable)
    AV_FIXITY_RESTORED = "evidence.fixity_restored", "音像文件校验恢复一致"
