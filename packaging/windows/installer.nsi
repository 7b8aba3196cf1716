; Desktop Search: per-user Windows installer (no administrator rights needed).
;
;   makensis /DVERSION=0.1.0 /DBUNDLE_DIR=<PyInstaller bundle folder> [/DICON=<file.ico>]
;            [/DOUTFILE=<setup.exe>] packaging\windows\installer.nsi
;
; Installs into %LOCALAPPDATA%\Programs\Desktop Search, adds a Start-menu shortcut, optionally a
; desktop shortcut and start-at-login (HKCU Run, the same value the app's own setting writes), and an
; uninstaller listed in Settings > Apps. The index, settings and logs live in %LOCALAPPDATA%\desktop-search
; (outside the install folder): uninstalling leaves them, so a reinstall finds the index as it was.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
SetCompressorDictSize 64

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef BUNDLE_DIR
  !error "Pass /DBUNDLE_DIR=<folder of the PyInstaller bundle (holds desktop-search-gui.exe)>"
!endif
!ifndef OUTFILE
  !define OUTFILE "desktop-search-${VERSION}-windows-x64-setup.exe"
!endif

!define APP_NAME "Desktop Search"
!define APP_ID "desktop-search"
!define PUBLISHER "Desktop Search maintainers"
!define GUI_EXE "desktop-search-gui.exe"
!define CLI_EXE "desktop-search.exe"
!define APP_KEY "Software\${APP_ID}"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
; Must equal desktop_search.core.system.autostart.RUN_VALUE_NAME, so the app's setting and the installer agree.
!define RUN_VALUE "${APP_NAME}"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${APP_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "MIT License"

; --- pages --------------------------------------------------------------------------------------------
!define MUI_ABORTWARNING
!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME} now"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

; --- helpers ------------------------------------------------------------------------------------------
;  Files of a running copy cannot be replaced or removed: ask the user to quit it (tray > Quit) first.
; Windows refuses to open a running program's .exe for writing, which tells whether one is running.
!macro WaitUntilClosed UN
Function ${UN}WaitUntilClosed
  ${Do}
    StrCpy $1 "ok"
    ${ForEach} $2 1 2 + 1
      ${If} $2 == 1
        StrCpy $3 "$INSTDIR\${GUI_EXE}"
      ${Else}
        StrCpy $3 "$INSTDIR\${CLI_EXE}"
      ${EndIf}
      ${If} ${FileExists} $3
        ClearErrors
        FileOpen $0 $3 a
        ${If} ${Errors}
          StrCpy $1 "running"
        ${Else}
          FileClose $0
        ${EndIf}
      ${EndIf}
    ${Next}
    ${If} $1 == "ok"
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
      "${APP_NAME} is running. Quit it from its tray icon menu, then press Retry." /SD IDCANCEL IDRETRY retry
    Abort
    retry:
  ${Loop}
FunctionEnd
!macroend
!insertmacro WaitUntilClosed ""
!insertmacro WaitUntilClosed "un."

; --- install ------------------------------------------------------------------------------------------
Section "!${APP_NAME}" SecApp
  SectionIn RO
  SetShellVarContext current
  Call WaitUntilClosed
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the bundle as a whole: libraries of the old version must not mix with the new.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0 \
    SW_SHOWNORMAL "" "Search your own files by meaning"

  WriteRegStr HKCU "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "Desktop shortcut" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0
SectionEnd

Section /o "Start at sign-in (in the tray)" SecAutostart
  WriteRegStr HKCU "${RUN_KEY}" "${RUN_VALUE}" '"$INSTDIR\${GUI_EXE}" --hidden'
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "The app, its offline search model and a Start-menu shortcut."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "A shortcut on the desktop."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecAutostart} \
    "Start ${APP_NAME} hidden in the tray when you sign in, so the index stays up to date. \
    Can be changed later in the app's settings."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; --- uninstall ----------------------------------------------------------------------------------------
Section "Uninstall"
  SetShellVarContext current
  Call un.WaitUntilClosed
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "${APP_KEY}"
  ; Only what the installer put there: never RMDir /r "$INSTDIR" (the user may have picked a folder
  ; holding other files). The user's index in %LOCALAPPDATA%\desktop-search is left alone.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd
