<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en_US">
<context>
    <name>CpdTab</name>
    <message numerus="yes">
        <location filename="../../ui/cpd_tab.py" line="+226" />
        <source>%n victim(s)</source>
        <translation>
            <numerusform>%n victim</numerusform>
            <numerusform>%n victims</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>, %n fatal</source>
        <translation>
            <numerusform>, %n fatal</numerusform>
            <numerusform>, %n fatal</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12" />
        <source>%n staff</source>
        <translation>
            <numerusform>%n staff</numerusform>
            <numerusform>%n staff</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+27" />
        <source>%n scheduled</source>
        <translation>
            <numerusform>%n scheduled</numerusform>
            <numerusform>%n scheduled</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n done on time</source>
        <translation>
            <numerusform>%n done on time</numerusform>
            <numerusform>%n done on time</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IncidentDetailView</name>
    <message numerus="yes">
        <location filename="../../ui/detail_view.py" line="+194" />
        <source>%n victim(s)</source>
        <translation>
            <numerusform>%n victim</numerusform>
            <numerusform>%n victims</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IncidentQueueModel</name>
    <message numerus="yes">
        <location filename="../../ui/queue_model.py" line="+283" />
        <source> (%n fatal)</source>
        <translation>
            <numerusform> (%n fatal)</numerusform>
            <numerusform> (%n fatal)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IncidentQueueView</name>
    <message numerus="yes">
        <location filename="../../ui/queue_view.py" line="+433" />
        <source>%n incident(s)</source>
        <translation>
            <numerusform>%n incident</numerusform>
            <numerusform>%n incidents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message numerus="yes">
        <location filename="../../ui/idle_lock.py" line="+256" />
        <source>That is not the PIN. %n tries left.</source>
        <translation>
            <numerusform>That is not the PIN. %n try left.</numerusform>
            <numerusform>That is not the PIN. %n tries left.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MonthlyReviewDialog</name>
    <message numerus="yes">
        <location filename="../../ui/report_view.py" line="+347" />
        <source>%n incident(s)</source>
        <translation>
            <numerusform>%n incident</numerusform>
            <numerusform>%n incidents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NotificationList</name>
    <message numerus="yes">
        <location filename="../../ui/notification_list.py" line="+166" />
        <source>%n new CPD notification(s)</source>
        <translation>
            <numerusform>%n new CPD notification</numerusform>
            <numerusform>%n new CPD notifications</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ResponsesTab</name>
    <message numerus="yes">
        <location filename="../../ui/responses_tab.py" line="+226" />
        <source>(%n more below.)</source>
        <translation>
            <numerusform>(%n more below.)</numerusform>
            <numerusform>(%n more below.)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewQueueDialog</name>
    <message numerus="yes">
        <location filename="../../ui/review_queue.py" line="+298" />
        <source>%n incident(s) waiting</source>
        <translation>
            <numerusform>%n incident waiting</numerusform>
            <numerusform>%n incidents waiting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+83" />
        <source>%n record(s) not yet synced</source>
        <translation>
            <numerusform>%n record is not yet synced</numerusform>
            <numerusform>%n records are not yet synced</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message numerus="yes">
        <location filename="../../ui/status_bar.py" line="+74" />
        <location line="+4" />
        <location line="+10" />
        <source>%n waiting to share</source>
        <translation>
            <numerusform>%n waiting to share</numerusform>
            <numerusform>%n waiting to share</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5" />
        <source>Saved on this laptop · %n waiting to share</source>
        <translation>
            <numerusform>Saved on this laptop · %n waiting to share</numerusform>
            <numerusform>Saved on this laptop · %n waiting to share</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11" />
        <source>%n need(s) attention</source>
        <translation>
            <numerusform>%n needs attention</numerusform>
            <numerusform>%n need attention</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+114" />
        <source>%n new notification(s)</source>
        <translation>
            <numerusform>%n new notification</numerusform>
            <numerusform>%n new notifications</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message numerus="yes">
        <location filename="../../ui/sync_panel.py" line="+173" />
        <source>%n waiting to share</source>
        <translation>
            <numerusform>%n waiting to share</numerusform>
            <numerusform>%n waiting to share</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n need(s) attention</source>
        <translation>
            <numerusform>%n needs attention</numerusform>
            <numerusform>%n need attention</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n shared</source>
        <translation>
            <numerusform>%n shared</numerusform>
            <numerusform>%n shared</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TeamCaseloadDialog</name>
    <message numerus="yes">
        <location filename="../../ui/team_view.py" line="+290" />
        <source>%n staff</source>
        <translation>
            <numerusform>%n staff</numerusform>
            <numerusform>%n staff</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n open incident(s)</source>
        <translation>
            <numerusform>%n open incident</numerusform>
            <numerusform>%n open incidents</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n follow-up(s) overdue</source>
        <translation>
            <numerusform>%n follow-up overdue</numerusform>
            <numerusform>%n follow-ups overdue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>%n unassigned</source>
        <translation>
            <numerusform>%n unassigned</numerusform>
            <numerusform>%n unassigned</numerusform>
        </translation>
    </message>
</context>
</TS>
