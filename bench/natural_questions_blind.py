"""Questions in a reader's own words, written blind, for ``bench/semantic.py``.

Articles were picked with ``random.Random(2612)``: the sorted article numbers present in all seven
language folders of ../shared/corpus/kcs, minus those already used in natural_questions.py, were
shuffled and taken in order (none had to be skipped); languages were assigned round-robin in the
order en, de, fr, ja, ko, zh-hans, es, ten per language.

The writer read only each article's title and problem statement (Description / Issue / Symptoms)
in English (the one-paragraph summary above it was also on screen; its hints at the fix were not
used) and wrote the question without looking at the resolution, the way a customer or support
engineer would type it into a help-centre search box. No question shares three quarters of its
characters with a line of its article in any of the seven languages (difflib.SequenceMatcher ratio
below 0.75 against every line and sentence, lowercased). Each row is
``(language, question, article number)``.
"""

QUESTIONS = [
    ('en', 'workflow javascript activity fails with SSL cert error since we upgraded campaign classic', 'KA-17298'),
    ('de', 'AEP Batch-Upload: werden mehrere Dateien pro Tag chronologisch eingelesen?', 'KA-20214'),
    ('fr', 'traduire les libellés du lecteur vidéo HTML5 Scene7 dans une autre langue', 'KA-05516'),
    ('ja', 'ワークスペース 共有リンク 有効期限', 'KA-21274'),
    ('ko', 'AEM 로그에 SegmentNotFoundException이 계속 찍히는데 원인을 어떻게 찾나요', 'KA-19062'),
    ('zh-hans', 'Campaign 和 Audience Manager 对接用的是声明ID，为什么同步文件名里却是 MID 数据源', 'KA-19815'),
    ('es', 'la plantilla de CDN en Dynamic Media Classic se borra cada vez que cierro sesión', 'KA-23756'),
    ('en', "cloud manager pipeline won't compile our code that uses java 11 APIs like Map.of", 'KA-22285'),
    ('de', 'Cloud Manager Deployment bricht bei buildImage ab, repoinit kann ACL auf Pfad nicht setzen', 'KA-22334'),
    ('fr', "Assets : notre panneau de filtres personnalisé n'apparaît que pour les admins", 'KA-24380'),
    ('ja', 'Campaign Classic にログインすると毎回スクリプトエラーが出る、「いいえ」を押せば入れる', 'KA-16272'),
    ('ko', '워크플로의 데이터 업데이트 활동으로 삭제하면 연결된 레코드가 같이 지워지지 않아요', 'KA-15445'),
    ('zh-hans', 'ACS 工作流导入的用户档案没有组织单位，打开就报错', 'KA-16327'),
    ('es', 'la prueba de rendimiento de Assets en Cloud Manager falla tras media hora sin explicación', 'KA-23312'),
    ('en', 'full processing upload not showing up in reports', 'KA-15634'),
    ('de', 'AEM eigene Komponente CSS JS Cache leeren', 'KA-20589'),
    ('fr', "l'e-mail de l'activité alerte ne part pas : recipient is not defined", 'KA-24478'),
    ('ja', 'Yahoo や Hotmail 宛ての配信が苦情のフィードバックでバウンス扱いになる', 'KA-22531'),
    ('ko', 'Admin Console에서 권한을 줬는데도 Audience Manager에 들어갈 수 없어요', 'KA-19587'),
    ('zh-hans', '复制粘贴后的 AEM 邮件模板无法同步到 Adobe Campaign', 'KA-19344'),
    ('es', 'la compactación offline de AEM se interrumpe a mitad, ¿cómo consigo terminarla?', 'KA-16457'),
    ('en', 'campaign classic android push not sending, HTTP call to fcm.googleapis.com fails', 'KA-14713'),
    ('de', 'Audience Manager: Merkmal definieren, das jeden beliebigen Wert aus c_evar1 erfasst', 'KA-16763'),
    ('fr', 'quelle taille minimale faut-il pour un test A/B dans Campaign Standard ?', 'KA-17852'),
    ('ja', 'フロントエンドパイプラインで npm audit が失敗してビルドが止まる', 'KA-23912'),
    ('ko', '런치 페이지 안의 링크가 /content/launches 경로로 바뀌지 않는 경우가 있어요', 'KA-23939'),
    ('zh-hans', '消息中心执行实例的隔离和事件同步进程停了，怎么重建同步工作流', 'KA-15280'),
    ('es', 'error interno la primera vez que ejecuto el pipeline front-end en AEM Cloud', 'KA-23895'),
    ('en', "content fragment console won't open, just an error page about connecting to the repository", 'KA-20923'),
    ('de', 'Klassifizierungs-API Import schlägt fehl: Relation 0 nicht eingerichtet', 'KA-17101'),
    ('fr', 'erreur SQL quand je clique sur le lien de validation reçu par mail dans Campaign', 'KA-19380'),
    ('ja', 'AEPの左メニューにプレイブックが出てこない', 'KA-24108'),
    ('ko', '프런트엔드 파이프라인 배포는 성공했는데 사이트에 CSS랑 JS가 하나도 안 먹어요', 'KA-23070'),
    ('zh-hans', 'Target 用哪些 ID 来识别同一个访客，优先级是什么', 'KA-14003'),
    ('es', 'no puedo subir imágenes a los recursos públicos en producción desde la entrega', 'KA-22395'),
    ('en', 'aep pgp encrypted files support', 'KA-17890'),
    ('de', 'Workflow-Heatmap zeigt für jede Ausführung dieselbe Laufzeit an', 'KA-13952'),
    ('fr', 'la mise à jour des copies de langue ne crée aucun projet de traduction', 'KA-20244'),
    ('ja', 'Campaign Standardで一部のユーザーにだけレポートを見せないようにできますか', 'KA-15835'),
    ('ko', 'Oak 1.8.25로 올린 뒤 스탠바이 인스턴스가 안 올라와요', 'KA-17857'),
    ('zh-hans', '作者端已经没有的页面还留在发布端，取消发布也做不了', 'KA-22828'),
    ('es', '¿qué permiso necesito para editar las reglas de bots en Analytics?', 'KA-19349'),
    ('en', "campaign query 'after' date filter still returns records from that exact date", 'KA-15214'),
    ('de', 'Sling Dynamic Include Fragmente fehlen, obwohl Options Includes im vhost gesetzt ist', 'KA-24222'),
    ('fr', "XML-110011 à l'installation d'un package après la montée de version Campaign", 'KA-17555'),
    ('ja', 'フロー図の中央の訪問者数がフリーフォームのユニーク訪問者と一致しない', 'KA-17650'),
    ('ko', '캠페인 클래식 빌드 번호 확인', 'KA-19414'),
    ('zh-hans', 'Launch 嵌入代码多了一段路径，页面上的旧代码要不要换', 'KA-19178'),
    ('es', 'AEM sigue trayendo una versión vieja de jQuery, ¿por qué no la actualizan?', 'KA-21173'),
    ('en', 'content copy between environments fails, access denied when registering a namespace', 'KA-24424'),
    ('de', 'Editor für Content-Fragment-Modelle geht nicht auf, Log meldet nicht existierende Ressource', 'KA-19376'),
    ('fr', "les appels à l'API de rapports Target échouent après une cinquantaine de requêtes", 'KA-14023'),
    ('ja', 'AEM のローンチ一覧がたまに表示されずに固まる', 'KA-20658'),
    ('ko', '기존 스키마에 정수 컬럼 추가할 때 데이터베이스 업데이트 마법사 SQL이 너무 느려요', 'KA-15785'),
    ('zh-hans', 'BigQuery 的 datetimetz 字段在 Campaign 里显示的时间没带时区', 'KA-23426'),
    ('es', 'el sistema de estilos de AEM no aplica una clase cuando su nombre está contenido en otra', 'KA-16501'),
    ('en', 'graphql query on aem publish returns 404 for content fragments', 'KA-22615'),
    ('de', 'Gruppenänderungen in der Admin Console kommen in AEM nicht an', 'KA-23390'),
    ('fr', 'le build du pipeline plante dans ui.frontend avec des erreurs TypeScript dans node_modules', 'KA-21419'),
    ('ja', 'AEMのクエリ実行時間が異常に長く見えるのは合計値だから？', 'KA-24128'),
    ('ko', '같은 초에 들어온 히트는 어떤 순서로 처리되나요', 'KA-17999'),
    ('zh-hans', 'AEM 云服务误删了一个内容路径，怎么找回来', 'KA-23505'),
    ('es', 'ver picos de tráfico a partir del request.log de AEM', 'KA-23936'),
    ('en', 'export all our audience manager data in bulk', 'KA-21861'),
    ('de', 'Target Aktivität mit eigenem Code lässt sich nicht speichern, Synchronisierungsfehler', 'KA-13956'),
    ('fr', "AEM as a Cloud Service : accès JDBC à notre base Oracle, c'est possible ?", 'KA-19694'),
    ('ja', 'Experience Cloudに公開したセグメントを取り消せない、AAMで使われていると言われる', 'KA-20672'),
    ('ko', '웹사이트에 SQL 인젝션 시도가 계속 들어오는데 AEM에서 막을 수 있나요', 'KA-20135'),
    ('zh-hans', '沙盒重置之后 Journey Optimizer 里的旅程和消息还在吗', 'KA-19931'),
    ('es', 'los archivos de Word y Excel en el DAM dan error 404', 'KA-22518'),
]
