// Every word the tablet shows, in Bahasa Indonesia (default) and English.
// Messages from the station arrive as {id, en} and are shown with `pick`.

const WORDS = {
  app_title: ["Perekaman KTP-el", "e-KTP recording"],
  login: ["Masuk", "Log in"],
  logout: ["Keluar", "Log out"],
  operator: ["Operator", "Operator"],
  choose_operator: ["Pilih operator", "Choose operator"],
  pin: ["PIN", "PIN"],
  clear: ["Hapus", "Clear"],
  back: ["Kembali", "Back"],
  next: ["Lanjut", "Next"],
  cancel: ["Batal", "Cancel"],
  cancel_enrollment: ["Batalkan perekaman", "Cancel enrollment"],
  cancel_reason: ["Alasan pembatalan", "Reason for cancelling"],
  confirm: ["Konfirmasi", "Confirm"],
  save: ["Simpan", "Save"],
  retry: ["Ulangi", "Retry"],
  language: ["English", "Bahasa Indonesia"],
  role_operator: ["operator", "operator"],
  role_supervisor: ["supervisor", "supervisor"],
  role_technician: ["teknisi", "technician"],
  nav_enroll: ["Perekaman", "Enrollment"],
  nav_dashboard: ["Dasbor", "Dashboard"],
  nav_dayend: ["Akhir hari", "Day's end"],
  nav_technician: ["Teknisi", "Technician"],
  offline: ["Koneksi ke stasiun terputus, menyambung ulang…", "Connection to the station lost, reconnecting…"],
  watching: ["Perekaman ini dijalankan oleh {name}. Tablet ini hanya memantau.", "This enrollment is driven by {name}. This tablet is watching only."],
  must_repeat: ["Stasiun dimulai ulang: ulangi perekaman berikut", "The station restarted: repeat these captures"],
  visit: ["Kunjungan sekolah", "School visit"],
  visit_choose: ["Pilih kunjungan hari ini", "Choose today's visit"],
  visit_new: ["Kunjungan baru", "New visit"],
  school: ["Nama sekolah", "School name"],
  npsn: ["NPSN (8 angka, boleh kosong)", "NPSN (8 digits, optional)"],
  address: ["Alamat", "Address"],
  date: ["Tanggal", "Date"],
  team: ["Tim", "Team"],
  recorded_count: ["{n} terekam", "{n} recorded"],
  start_blank: ["Mulai perekaman baru", "Start a new enrollment"],
  name: ["Nama lengkap", "Full name"],
  nik: ["NIK", "NIK"],
  birth_date: ["Tanggal lahir", "Birth date"],
  birth_place: ["Tempat lahir", "Birth place"],
  sex: ["Jenis kelamin", "Sex"],
  sex_L: ["Laki-laki", "Male"],
  sex_P: ["Perempuan", "Female"],
  marital_status: ["Status perkawinan", "Marital status"],
  belum_kawin: ["Belum kawin", "Not married"],
  kawin: ["Kawin", "Married"],
  cerai_hidup: ["Cerai hidup", "Divorced"],
  cerai_mati: ["Cerai mati", "Widowed"],
  school_class: ["Kelas", "Class"],
  nisn: ["NISN", "NISN"],
  consent_notice_title: ["Pemberitahuan privasi", "Privacy notice"],
  consent_notice: [
    "Stasiun ini merekam foto wajah, sepuluh sidik jari dan tanda tangan Anda untuk KTP-el. Data disegel (dienkripsi) untuk Direktorat Jenderal Dukcapil saat disimpan, dikirim ke kantor pusat pada akhir hari, dan dihapus dari stasiun setelah kantor pusat menerimanya. Data biometrik adalah data pribadi yang bersifat spesifik (UU 27/2022).",
    "This station records your face photo, ten fingerprints and signature for the KTP-el. The data is sealed (encrypted) for the Directorate General of Population and Civil Registration when saved, sent to the central office at the end of the day, and deleted from the station once the office has it. Biometric data is specific personal data (Law 27/2022).",
  ],
  notice_shown: ["Pemberitahuan sudah dibacakan kepada pemohon", "The notice was read to the applicant"],
  applicant_agrees: ["Pemohon setuju", "The applicant agrees"],
  guardian_name: ["Nama wali / orang tua", "Guardian / parent name"],
  guardian_relation: ["Hubungan", "Relation"],
  collective_letter_ref: ["Nomor surat persetujuan kolektif sekolah", "School's collective consent letter number"],
  guardian_hint: ["Pemohon di bawah 18 tahun: isi wali atau nomor surat persetujuan kolektif.", "Applicant under 18: fill in the guardian or the collective consent letter number."],
  take_photo: ["Ambil foto", "Take photo"],
  retake: ["Ambil ulang", "Retake"],
  approve_photo: ["Pemohon menyetujui foto", "The applicant approves the photo"],
  show_applicant: ["Tunjukkan foto kepada pemohon sebelum lanjut.", "Show the photo to the applicant before continuing."],
  backdrop_expected: ["Latar yang diharapkan", "Expected backdrop"],
  camera_preview: ["Pratinjau kamera", "Camera preview"],
  photo_checks: ["Pemeriksaan foto", "Photo checks"],
  take_anyway: ["Tetap ambil walau belum lolos pemeriksaan", "Take it although a check fails"],
  take_anyway_hint: ["Hanya bila pemohon memang tidak bisa memenuhi syarat. Alasan dicatat.", "Only when the applicant really cannot meet the check. The reason is recorded."],
  override_reason: ["Alasan", "Reason"],
  take_anyway_button: ["Tetap ambil (dicatat)", "Take anyway (recorded)"],
  blue: ["biru", "blue"],
  red: ["merah", "red"],
  capture: ["Rekam", "Capture"],
  fingers_done: ["Semua jari selesai", "All fingers done"],
  right_hand: ["Tangan kanan", "Right hand"],
  left_hand: ["Tangan kiri", "Left hand"],
  sign_here: ["Tanda tangan di sini dengan jari atau stylus", "Sign here with a finger or stylus"],
  commit: ["Simpan dan segel", "Save and seal"],
  saved: ["Tersimpan dan tersegel", "Saved and sealed"],
  receipt_number: ["Nomor tanda bukti", "Receipt number"],
  next_student: ["Siswa berikutnya", "Next student"],
  resume: ["Lanjutkan", "Resume"],
  fault_hint: ["Periksa kabel perangkat, lalu tekan Lanjutkan.", "Check the device's cable, then press Resume."],
  device_camera: ["Kamera", "Camera"],
  device_fingerprint: ["Pemindai sidik jari", "Fingerprint scanner"],
  device_indicator: ["Lampu dan bel", "Lights and buzzer"],
  device_printer: ["Printer", "Printer"],
  devices: ["Perangkat", "Devices"],
  storage: ["Penyimpanan", "Storage"],
  storage_free: ["{free} MB kosong dari {total} MB", "{free} MB free of {total} MB"],
  copy_title: ["Salinan kedua (flashdisk)", "Second copy (USB stick)"],
  copy_up_to_date: ["Mutakhir: {n} rekaman tersalin di {stick}", "Up to date: {n} records copied to {stick}"],
  copy_behind: ["Belum mutakhir: {n} rekaman belum tersalin ke {stick}", "Behind: {n} records not yet copied to {stick}"],
  copy_no_stick: ["Tidak ada flashdisk: {n} rekaman tanpa salinan kedua. Colokkan flashdisk.", "No USB stick: {n} records without a second copy. Plug in a stick."],
  storage_students: ["Cukup untuk sekitar {n} siswa lagi ({kb} kB per siswa, diukur di stasiun ini)", "Room for about {n} more students ({kb} kB each, measured on this station)"],
  storage_students_typical: ["Cukup untuk sekitar {n} siswa lagi ({kb} kB per siswa, perkiraan sebelum rekaman pertama)", "Room for about {n} more students ({kb} kB each, estimated until the first record)"],
  pending_upload: ["Menunggu unggah", "Pending upload"],
  records_sealed: ["Rekaman tersegel, belum terkirim", "Sealed records not yet delivered"],
  records_delivered: ["Sudah diterima kantor pusat", "Received by the central office"],
  upload_title: ["Unggah ke kantor pusat (4G)", "Upload to the central office (4G)"],
  upload_start: ["Tutup hari dan unggah", "Close the day and upload"],
  upload_progress: ["Kemajuan unggah", "Upload progress"],
  upload_figures: ["{state}: {done} dari {total} · {rate} Mbit/s · sisa {eta} · diulang {retries}x", "{state}: {done} of {total} · {rate} Mbit/s · ETA {eta} · {retries} retries"],
  upload_connecting: ["menghubungkan", "connecting"], upload_uploading: ["mengunggah", "uploading"],
  upload_retrying: ["mencoba lagi", "retrying"], upload_verifying: ["memeriksa", "verifying"],
  upload_done: ["selesai", "done"], upload_failed: ["gagal", "failed"],
  upload_finished: ["Unggahan selesai dan diterima kantor pusat.", "Upload finished and acknowledged by the central office."],
  export_title: ["Ekspor ke USB (jika 4G gagal)", "Export to USB (when 4G fails)"],
  export_hint: ["Colokkan flashdisk, tunggu sebentar, lalu pilih di bawah. Hari ditutup dan semua rekaman tersegel ditulis; berkas tetap tersegel.", "Plug in a USB stick, wait a moment, then pick it below. The day is closed and every sealed record written; the files stay sealed."],
  export_to: ["Ekspor ke {label} (sisa {free})", "Export to {label} ({free} free)"],
  export_no_media: ["Belum ada flashdisk terpasang. Colokkan, lalu tekan Periksa lagi.", "No USB stick is mounted. Plug one in, then press Check again."],
  export_refresh: ["Periksa lagi", "Check again"],
  export_supervisor_only: ["Ekspor ke USB dilakukan oleh supervisor.", "A supervisor exports to USB."],
  export_done: ["Ditulis ke {label}: {records} rekaman, {files} berkas, {size}.", "Written to {label}: {records} record(s), {files} file(s), {size}."],
  day_closed_exported: ["Hari ini sudah ditutup dan diekspor ke USB. Bawa flashdisk ke kantor.", "The day is closed and exported to USB. Take the stick to the office."],
  selftests: ["Tes perangkat", "Device self-tests"],
  selftest_lights: ["Lampu dan bel", "Lights and buzzer"],
  selftest_finger: ["Tes sidik jari", "Test finger"],
  selftest_photo: ["Tes foto", "Test photo"],
  selftest_receipt: ["Cetak tes", "Test print"],
  selftest_running: ["{device}: berjalan…", "{device}: running…"],
  selftest_ok: ["{device}: berhasil", "{device}: passed"],
  logs: ["Log terbaru", "Recent log"],
  refresh: ["Muat ulang", "Refresh"],
  lockouts: ["Operator terkunci", "Locked operators"],
  lockouts_none: ["Tidak ada operator yang terkunci.", "No operator is locked."],
  unlock: ["Buka kunci {name}", "Unlock {name}"],
  unlocked: ["{name} dapat masuk lagi.", "{name} can log in again."],
  finger_todo: ["belum", "to do"], finger_done: ["selesai", "done"], finger_forced: ["dipaksa", "force-captured"],
  finger_retry: ["ulangi", "retry"], finger_awaiting: ["menunggu supervisor", "awaiting supervisor"],
  finger_exception: ["pengecualian", "exception"],
  finger_retry_hint: ["{name}: kualitas {quality}, percobaan {attempt} dari {max}. Letakkan lagi, tekan rata.",
    "{name}: quality {quality}, attempt {attempt} of {max}. Place it again, pressing flat."],
  guided_place: ["Letakkan {name}", "Place the {name}"],
  guided_place_again: ["Sekali lagi: {name}", "Once more: {name}"],
  guided_continue: ["Lanjutkan perekaman jari", "Continue the fingers"],
  guided_complete: ["Semua jari sudah direkam.", "All fingers are captured."],
  guided_review: ["Periksa jari yang ditandai, lalu ketuk “Semua jari selesai”.", "Check the marked fingers, then tap “All fingers done”."],
  phase_waiting: ["Menunggu jari di pemindai ({name})…", "Waiting for the finger on the scanner ({name})…"],
  phase_captured: ["{name} terekam {verdict} — angkat jari", "{name} captured {verdict} — lift the finger"],
  phase_sending: ["Mengirim gambar {name}: {percent}%", "Sending the {name} image: {percent}%"],
  phase_quality_good: ["{name}: kualitas {quality} ✓", "{name}: quality {quality} ✓"],
  phase_quality_bad: ["{name}: kualitas {quality}, akan diulang", "{name}: quality {quality}, will be asked again"],
  fingers_left: ["Belum: {names}", "Still to do: {names}"],
  finger_exception_title: ["Jari tidak dapat direkam", "A finger that cannot be captured"],
  finger_which: ["Jari", "Finger"], finger_kind: ["Sebab", "Kind"], finger_reason: ["Keterangan", "Reason"],
  exception_missing: ["Tidak ada", "Missing"], exception_amputated: ["Diamputasi", "Amputated"],
  exception_bandaged: ["Diperban", "Bandaged"], exception_unreadable: ["Tidak terbaca", "Unreadable"],
  mark_exception: ["Tandai, minta persetujuan", "Mark, ask for approval"],
  supervisor_name: ["Supervisor", "Supervisor"],
  approve_exception: ["Setujui pengecualian", "Approve the exception"],
  error_network: ["Stasiun tidak menjawab. Periksa Wi-Fi tablet.", "The station does not answer. Check the tablet's Wi-Fi."],
  steps: ["Langkah", "Steps"],
  approve: ["Setujui", "Approve"],
  adapter_simulated: ["simulator", "simulator"],
  adapter_serial: ["serial {port}", "serial {port}"],
  adapter_picamera: ["kamera Raspberry Pi", "Raspberry Pi camera"],
  adapter_usb: ["USB", "USB"],
  adapter_other: ["lainnya", "other"],
  station_notes: ["Pemberitahuan stasiun", "Station notices"],
  choose: ["— pilih —", "— choose —"],
  yes: ["ya", "yes"], no: ["belum", "no"],
  cancel_confirm_title: ["Batalkan perekaman ini?", "Cancel this enrollment?"],
  cancel_confirm_text: ["Foto, sidik jari dan tanda tangan yang sudah direkam akan dihapus. Nomor tanda bukti tidak terpakai.",
    "The photo, fingerprints and signature taken so far are deleted. No receipt number is used up."],
  cancel_reason_left: ["Siswa pergi / tidak bisa melanjutkan", "The student left / cannot continue"],
  cancel_reason_data: ["Data identitas salah, mulai lagi", "Wrong identity data, start again"],
  cancel_reason_device: ["Gangguan perangkat", "Device trouble"],
  cancel_reason_other: ["Alasan lain", "Another reason"],
  cancel_note: ["Keterangan (boleh kosong)", "Note (optional)"],
  cancel_keep: ["Kembali, lanjutkan perekaman", "Back, keep recording"],
  cancel_do: ["Ya, batalkan", "Yes, cancel"],
  watch_progress: ["Kemajuan perekaman", "Enrollment progress"],
  watch_identity: ["Identitas", "Identity"], watch_consent: ["Persetujuan", "Consent"],
  watch_photo: ["Foto", "Photo"], watch_photo_taken: ["diambil, menunggu persetujuan pemohon", "taken, awaiting the applicant's approval"],
  watch_photo_approved: ["disetujui ✓", "approved ✓"],
  watch_fingers: ["Sidik jari", "Fingerprints"], watch_of: ["{n} dari {total} selesai", "{n} of {total} done"],
  watch_signature: ["Tanda tangan", "Signature"], watch_saved: ["Tersimpan, menunggu siswa berikutnya", "Saved, waiting for the next student"],
  closing_title: ["Pertanyaan penutup", "Closing questions"],
  kk_checked: ["KK sudah diperiksa", "KK checked"],
  ikd: ["Aktivasi IKD (KTP digital)", "IKD (digital ID) activation"],
  ikd_activated_here: ["Diaktifkan di sini", "Activated here"],
  ikd_will_activate: ["Akan aktivasi sendiri", "Will activate later"],
  ikd_declined: ["Menolak", "Declined"],
  ikd_unanswered: ["Tidak ditanyakan / tidak dijawab", "Not asked / no answer"],
  ikd_choose: ["Pilih jawaban IKD (atau \"Tidak ditanyakan\") sebelum menyimpan.", "Choose the IKD answer (or \"Not asked\") before saving."],
  fingers_taken: ["{n} dari {total} direkam", "{n} of {total} captured"],
  fingers_exceptions: ["{n} pengecualian", "{n} exception(s)"],
  letter_use: ["Pakai surat persetujuan kolektif sekolah: {ref}", "Use the school's collective consent letter: {ref}"],
  letter_none: ["Kunjungan ini belum mencatat surat persetujuan kolektif: isi wali.", "This visit has no collective consent letter on file: fill in the guardian."],
  chart_title: ["Perekaman per jam", "Enrollments per hour"],
  chart_axis_y: ["Jumlah perekaman", "Enrollments"],
  chart_axis_x: ["Jam (waktu stasiun)", "Hour (station time)"],
  chart_count: ["{n} perekaman", "{n} enrollments"],
  chart_empty: ["Belum ada perekaman hari ini.", "No enrollments today yet."],
  approval_checking: ["Memeriksa PIN…", "Checking the PIN…"],
  approval_done: ["Disetujui.", "Approved."],
};

let lang = localStorage.getItem("lang") === "en" ? "en" : "id";
const listeners = [];

export function t(key, vars) {
  const pair = WORDS[key];
  let text = pair ? pair[lang === "en" ? 1 : 0] : key;
  for (const [name, value] of Object.entries(vars || {})) text = text.replace("{" + name + "}", value);
  return text;
}

// A word in both languages, as the station's messages come ({id, en}).
export function textOf(key) {
  const pair = WORDS[key] || [key, key];
  return { id: pair[0], en: pair[1] };
}

// Step and finger names come from the station (GET /api/names), so the tablet says what
// the server says (station/messages.py); they are looked up as "step_<step>" and
// "finger_<position>".
export function learnNames(names) {
  const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);
  for (const [step, name] of Object.entries(names.steps)) WORDS["step_" + step] = [name.id, name.en];
  for (const [position, name] of Object.entries(names.fingers)) {
    WORDS["finger_" + position] = [capital(name.id), capital(name.en)];
  }
}

export function pick(message) {
  if (!message) return "";
  if (typeof message === "string") return message;
  return lang === "en" ? message.en : message.id;
}

export function language() { return lang; }

export function toggleLanguage() {
  lang = lang === "en" ? "id" : "en";
  localStorage.setItem("lang", lang);
  document.documentElement.lang = lang;
  for (const listener of listeners) listener();
}

export function onLanguage(listener) { listeners.push(listener); }

document.documentElement.lang = lang;
