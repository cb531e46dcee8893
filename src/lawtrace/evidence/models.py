"""Audio/video evidence: stored objects (by hash), AV records (音像记录) and their files, uploads in progress, the
officer's confirmations and explanations, and who looked at what.

Written only by ``services.py`` (and the upload machinery in ``uploads.py``, which calls it); every write that
matters to a case is ledgered there with the files' SHA-256. ``on_delete=PROTECT`` so nothing disappears by cascade.
Free text an officer types (place, 证明对象, transcript, explanations) may hold personal data: the ledger commits to
it through a salted hash (``salt`` + ``content_hash``), never the text itself.
"""

from __future__ import annotations

import uuid

from django.db import models

from lawtrace.cases.models import Case, new_salt
from lawtrace.orgs.models import Organisation, RecordingDevice, User


class StoredObject(models.Model):
    """One stored file, known by its SHA-256. A second upload of the same bytes finds this row and stores nothing."""

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    sm3 = models.CharField("SM3", max_length=64)
    size = models.BigIntegerField("大小（字节）")
    storage_name = models.CharField("存储名称", max_length=200, unique=True)
    stored_at = models.DateTimeField("存储时间")
    last_checked_at = models.DateTimeField("最近校验时间", null=True, blank=True)
    fixity_ok = models.BooleanField("校验一致", default=True)
    fixity_failed_at = models.DateTimeField("校验失败时间", null=True, blank=True)

    class Meta:
        verbose_name = "存储对象"
        verbose_name_plural = "存储对象"

    def __str__(self) -> str:
        return self.sha256


class MediaType(models.TextChoices):
    PHOTO = "photo", "照片"
    AUDIO = "audio", "录音"
    VIDEO = "video", "录像"


class AwayReason(models.TextChoices):
    """IMR-22: the storage period runs from the officer's return for these kinds of work."""

    CONTINUOUS_WORK = "continuous_work", "连续工作"
    AWAY_FROM_BASE = "away_from_base", "异地执法"
    REMOTE_AREA = "remote_area", "在边远、交通不便区域执法"


class AVRecord(models.Model):
    """音像记录: one recording of one act, as one or more files (segments of a continuous recording, or photos),
    with what WS-21 / IMR-21 require: how made (device), when, by whom, where, what it proves."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="av_records", verbose_name="案件")
    media_type = models.CharField("类型", max_length=10, choices=MediaType.choices)
    act = models.CharField("所记录的执法行为", max_length=40)
    device = models.ForeignKey(
        RecordingDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="记录设备"
    )
    other_device = models.CharField("其他设备（未登记）", max_length=100, blank=True)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    makers = models.ManyToManyField(User, related_name="+", verbose_name="制作人")
    place = models.CharField("地点", max_length=200)
    proves = models.TextField("证明对象")
    has_speech = models.BooleanField("含有语音", default=True)
    away_reason = models.CharField("未能及时存储的情形", max_length=20, choices=AwayReason.choices, blank=True)
    returned_at = models.DateTimeField("返回单位时间", null=True, blank=True)
    transcript = models.TextField("声音内容的文字记录", blank=True)
    transcript_file = models.ForeignKey(
        StoredObject, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="文字记录文件"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间")
    salt = models.CharField(max_length=32, default=new_salt, editable=False)
    content_hash = models.CharField("内容哈希", max_length=64)

    class Meta:
        verbose_name = "音像记录"
        verbose_name_plural = "音像记录"
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ended_at__gte=models.F("started_at")), name="av_period_order")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_media_type_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def device_label(self) -> str:
        return str(self.device) if self.device else f"其他：{self.other_device}"


class AVFile(models.Model):
    """A file of an AV record: a segment (with the times the officer entered or the media carries) or a photo.
    ``probe`` keeps ffprobe's facts beside what the officer typed; disagreements are shown, not resolved."""

    av_record = models.ForeignKey(AVRecord, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey(StoredObject, on_delete=models.PROTECT, related_name="av_files")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    started_at = models.DateTimeField("分段开始时间", null=True, blank=True)
    ended_at = models.DateTimeField("分段结束时间", null=True, blank=True)
    probe = models.JSONField("媒体信息（ffprobe）", default=dict, blank=True)
    stored_at = models.DateTimeField("存储完成时间")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    station = models.ForeignKey(
        "DockingStation", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="采集工作站"
    )

    class Meta:
        verbose_name = "音像文件"
        verbose_name_plural = "音像文件"
        ordering = ["started_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["av_record", "stored"], name="av_file_once_per_record")]

    def __str__(self) -> str:
        return self.name


class Upload(models.Model):
    """A tus upload in progress. ``offset`` counts only bytes stored durably (fsynced locally, or S3 parts).
    Never evidence: it becomes a StoredObject (and an AVFile) only after the completing hash pass."""

    class State(models.TextChoices):
        OPEN = "open", "上传中"
        COMPLETE = "complete", "已完成"
        FAILED = "failed", "校验失败"
        TERMINATED = "terminated", "已取消"
        EXPIRED = "expired", "已过期清理"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    av_record = models.ForeignKey(AVRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    station = models.ForeignKey("DockingStation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict)
    backend = models.CharField(max_length=10)  # "local" or "s3"
    s3_upload_id = models.CharField(max_length=200, blank=True)
    parts = models.JSONField(default=list)  # S3: [{"PartNumber": n, "ETag": "…", "Size": bytes}]
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    failure = models.CharField(max_length=200, blank=True)
    result = models.ForeignKey(StoredObject, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Completion's progress, so that a completion cut off by a crash resumes where it stopped (uploads.complete):
    # the digests once the hash pass is done, and when a process claimed the completion.
    sha256 = models.CharField(max_length=64, blank=True)
    sm3 = models.CharField(max_length=64, blank=True)
    completing_since = models.DateTimeField(null=True, blank=True)
    completing_by = models.CharField(max_length=120, blank=True)  # host:pid:start of the completing process
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "上传"
        verbose_name_plural = "上传"

    def __str__(self) -> str:
        return f"{self.pk} {self.offset}/{self.length}"


class GapReason(models.TextChoices):
    """IMR-13: the objective reasons a recording may stop."""

    EQUIPMENT_FAULT = "equipment_fault", "设备故障或损坏"
    BATTERY = "battery", "电量不足"
    STORAGE_FULL = "storage_full", "存储空间不足"
    WEATHER = "weather", "天气情况恶劣"
    OBSTRUCTION = "obstruction", "现场有关人员阻挠"
    OTHER = "other", "其他客观原因"


class Gap(models.Model):
    """An interruption between two segments of a continuous recording (IMR-13) and the officer's explanation.
    ``could_not_resume``: the recording never resumed — then the report to the unit head is required."""

    av_record = models.ForeignKey(AVRecord, on_delete=models.PROTECT, related_name="gaps")
    starts_at = models.DateTimeField("中止时间")
    ends_at = models.DateTimeField("恢复时间", null=True, blank=True)
    reason = models.CharField("中止原因", max_length=20, choices=GapReason.choices)
    explanation = models.TextField("说明")
    explained_aloud = models.BooleanField("恢复录制时已语音说明", default=False)
    could_not_resume = models.BooleanField("确实无法继续记录", default=False)
    reported_to = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="报告的本单位负责人"
    )
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    written_report = models.TextField("事后书面说明", blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "中止说明"
        verbose_name_plural = "中止说明"
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.av_record_id} {self.starts_at:%H:%M:%S}"


class Confirmation(models.Model):
    """The officer confirms that the recording shows a checklist item (WS-13 / IMR-10), or that the notice
    (IMR-11) or the spoken statement (IMR-12) was made — with where in the recording, as a time offset."""

    av_record = models.ForeignKey(AVRecord, on_delete=models.PROTECT, related_name="confirmations")
    rule_id = models.CharField(max_length=20)
    item = models.PositiveSmallIntegerField()  # index in the rule's list (must_show / announce), 0 for IMR-11
    label = models.CharField(max_length=200)
    file = models.ForeignKey(AVFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    offset_seconds = models.PositiveIntegerField("位置（秒）")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = "音像内容确认"
        verbose_name_plural = "音像内容确认"
        ordering = ["rule_id", "item"]
        constraints = [models.UniqueConstraint(fields=["av_record", "rule_id", "item"], name="av_confirm_once")]

    def __str__(self) -> str:
        return f"{self.rule_id}#{self.item}"


class AccessKind(models.TextChoices):
    VIEW = "view", "播放/查看"
    DOWNLOAD = "download", "下载"


class Access(models.Model):
    """Every view and download of an evidence file: who and when (the ledger gets downloads and others' views)."""

    file = models.ForeignKey(AVFile, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "调阅记录"
        verbose_name_plural = "调阅记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.file_id}"


class DockingStation(models.Model):
    """采集工作站: pulls files off body cameras in bulk and uploads them. It holds a token; we keep its SHA-256."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="docking_stations")
    name = models.CharField("名称", max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "采集工作站"
        verbose_name_plural = "采集工作站"
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_station_name")]

    def __str__(self) -> str:
        return self.name


class StationFile(models.Model):
    """A file a docking station delivered, not yet part of an AV record: the officer assigns it to one."""

    station = models.ForeignKey(DockingStation, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey(StoredObject, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    device_serial = models.CharField(max_length=60, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "stored"], name="station_file_once")]

    def __str__(self) -> str:
        return self.name
