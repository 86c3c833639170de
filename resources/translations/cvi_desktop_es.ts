<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_US">
<context>
    <name>CaseworkTab</name>
    <message>
        <location filename="../../ui/casework_tab.py" line="+46" />
        <source>Referrals and follow-ups</source>
        <translation>Remisiones y seguimientos</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+9" />
        <source>Referrals</source>
        <translation>Remisiones</translation>
    </message>
    <message>
        <location line="-6" />
        <source>Category</source>
        <translation>Categoría</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Provider</source>
        <translation>Proveedor</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Updated</source>
        <translation>Actualizado</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+34" />
        <source>Recorded by</source>
        <translation>Registrado por</translation>
    </message>
    <message>
        <location line="-25" />
        <source>Referral category</source>
        <translation>Categoría de la remisión</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Provider (shared with your organisation only)</source>
        <translation>Proveedor (solo se comparte con su organización)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Referral provider</source>
        <translation>Proveedor de la remisión</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A&amp;dd referral</source>
        <translation>Agregar re&amp;misión</translation>
    </message>
    <message>
        <location line="+28" />
        <source>Follow-up due (Chicago time)</source>
        <translation>Fecha del seguimiento (hora de Chicago)</translation>
    </message>
    <message>
        <location line="+5" />
        <source>S&amp;chedule follow-up</source>
        <translation>Programar seguimien&amp;to</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Mark done…</source>
        <translation>Marcar como &amp;hecho…</translation>
    </message>
    <message>
        <location line="+104" />
        <source>Cancel follow-up</source>
        <translation>Cancelar seguimiento</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Why is it cancelled?</source>
        <translation>¿Por qué se cancela?</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Duplicate</source>
        <translation>Duplicado</translation>
    </message>
    <message>
        <location line="-138" />
        <source>Add referral</source>
        <translation>Agregar remisión</translation>
    </message>
    <message>
        <location line="+2" />
        <source>New status for the selected referral</source>
        <translation>Nuevo estado de la remisión seleccionada</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Set status</source>
        <translation>Cambiar estado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Set status of the selected referral</source>
        <translation>Cambiar el estado de la remisión seleccionada</translation>
    </message>
    <message>
        <location line="+5" />
        <location line="+9" />
        <source>Follow-ups</source>
        <translation>Seguimientos</translation>
    </message>
    <message>
        <location line="-6" />
        <source>Due</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Follow-up kind</source>
        <translation>Tipo de seguimiento</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Schedule follow-up</source>
        <translation>Programar seguimiento</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Mark the selected follow-up done</source>
        <translation>Marcar como hecho el seguimiento seleccionado</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cancel follow-up…</source>
        <translation>Cancelar seguimiento…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancel the selected follow-up</source>
        <translation>Cancelar el seguimiento seleccionado</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Why the selected record is read-only</source>
        <translation>Por qué el registro seleccionado es de solo lectura</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Cancelled %s</source>
        <translation>Cancelado %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Done %s</source>
        <translation>Hecho %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Overdue</source>
        <translation>Vencido</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open</source>
        <translation>Pendiente</translation>
    </message>
    <message>
        <location line="+21" />
        <source>a teammate</source>
        <translation>un compañero de equipo</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Read-only: recorded by %s on their laptop; they or a supervisor can change it.</source>
        <translation>Solo lectura: lo registró %s en su computadora; esa persona o un supervisor pueden cambiarlo.</translation>
    </message>
    <message>
        <location line="+37" />
        <source>Follow-up done</source>
        <translation>Seguimiento hecho</translation>
    </message>
    <message>
        <location line="+0" />
        <source>What happened?</source>
        <translation>¿Qué pasó?</translation>
    </message>
</context>
<context>
    <name>CpdTab</name>
    <message>
        <location filename="../../ui/cpd_tab.py" line="+35" />
        <location line="+1" />
        <source>Names of the people you work with</source>
        <translation>Los nombres de las personas con las que trabaja</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Phone numbers</source>
        <translation>Números de teléfono</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Social media handles</source>
        <translation>Usuarios de redes sociales</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Addresses</source>
        <translation>Direcciones</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Whether someone gave consent</source>
        <translation>Si alguien dio su consentimiento</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Your notes</source>
        <translation>Sus notas</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+1" />
        <source>The exact spot on the map</source>
        <translation>El lugar exacto en el mapa</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Why you judged the retaliation risk</source>
        <translation>Por qué evaluó así el riesgo de represalia</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Which person a referral or follow-up is for</source>
        <translation>Para qué persona es una remisión o un seguimiento</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The incident's status in your queue</source>
        <translation>El estado del incidente en su cola</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Who it is assigned to</source>
        <translation>A quién está asignado</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+1" />
        <source>Which staff responded</source>
        <translation>Qué miembros del personal respondieron</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Referral providers' names</source>
        <translation>Los nombres de los proveedores de las remisiones</translation>
    </message>
    <message>
        <location line="+1" />
        <source>What happened at each follow-up</source>
        <translation>Qué pasó en cada seguimiento</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Follow-up dates</source>
        <translation>Las fechas de los seguimientos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Supervisors' review comments</source>
        <translation>Los comentarios de revisión de los supervisores</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The block (unless your agreement with CPD shares it)</source>
        <translation>La cuadra (a menos que su acuerdo con CPD la comparta)</translation>
    </message>
    <message>
        <location line="+41" />
        <source>What CPD will see</source>
        <translation>Lo que verá CPD</translation>
    </message>
    <message>
        <location line="+5" />
        <source>About this record</source>
        <translation>Sobre este registro</translation>
    </message>
    <message>
        <location line="+6" />
        <source>What CPD will see, in plain words</source>
        <translation>Lo que verá CPD, en palabras sencillas</translation>
    </message>
    <message>
        <location line="+6" />
        <source>What CPD never sees</source>
        <translation>Lo que CPD nunca ve</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Exact data sent to CPD</source>
        <translation>Datos exactos enviados a CPD</translation>
    </message>
    <message>
        <location line="+8" />
        <location line="+38" />
        <source>CPD will see</source>
        <translation>CPD verá</translation>
    </message>
    <message>
        <location line="-31" />
        <source>CPD will not see</source>
        <translation>CPD no verá</translation>
    </message>
    <message>
        <location line="+8" />
        <location line="+24" />
        <source>Show e&amp;xact data</source>
        <translation>Mostrar datos e&amp;xactos</translation>
    </message>
    <message>
        <location line="-22" />
        <source>Show the exact data sent to CPD</source>
        <translation>Mostrar los datos exactos enviados a CPD</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Copy exact data</source>
        <translation>&amp;Copiar datos exactos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy the exact data</source>
        <translation>Copiar los datos exactos</translation>
    </message>
    <message>
        <location line="+18" />
        <source>CPD will see — the exact data</source>
        <translation>CPD verá — los datos exactos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Show plain &amp;words</source>
        <translation>Mostrar en pa&amp;labras sencillas</translation>
    </message>
    <message>
        <location line="+7" />
        <source>This is the exact record sent to CPD (version %d); CPD's copy is this one.</source>
        <translation>Este es el registro exacto enviado a CPD (versión %d); la copia de CPD es esta.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>This is the exact record queued for CPD (version %d); it has not reached CPD yet.</source>
        <translation>Este es el registro exacto en espera para CPD (versión %d); todavía no le ha llegado a CPD.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Only what is listed on the left leaves this laptop for CPD.</source>
        <translation>Solo lo que aparece a la izquierda sale de esta computadora hacia CPD.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Nothing has been sent to CPD for this incident. When a supervisor approves it, CPD will receive exactly this, built by the same sharing rules.</source>
        <translation>No se ha enviado nada a CPD sobre este incidente. Cuando un supervisor lo apruebe, CPD recibirá exactamente esto, preparado con las mismas reglas para compartir.</translation>
    </message>
    <message>
        <location line="+19" />
        <source>RD %s</source>
        <translation>RD %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>District %s</source>
        <translation>Distrito %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>beat %s</source>
        <translation>sector %s</translation>
    </message>
    <message>
        <location line="+8" />
        <source>happened %s</source>
        <translation>ocurrió %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>your team was told %s</source>
        <translation>su equipo fue notificado %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>When: %s (Chicago time)</source>
        <translation>Cuándo: %s (hora de Chicago)</translation>
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>%n victim(s)</source>
        <translation>
            <numerusform>%n víctima</numerusform>
            <numerusform>%n víctimas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>, %n fatal</source>
        <translation>
            <numerusform>, %n mortal</numerusform>
            <numerusform>, %n mortales</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12" />
        <source>%n staff</source>
        <translation>
            <numerusform>%n miembro del personal</numerusform>
            <numerusform>%n miembros del personal</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4" />
        <source>mediation: %s</source>
        <translation>mediación: %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>retaliation risk: %s</source>
        <translation>riesgo de represalia: %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Your team's response:</source>
        <translation>La respuesta de su equipo:</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Your team's response: none logged yet</source>
        <translation>La respuesta de su equipo: todavía no se ha registrado ninguna</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Referrals (kind and status only):</source>
        <translation>Remisiones (solo tipo y estado):</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Themes: %s</source>
        <translation>Temas: %s</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Follow-ups: %s, %s (counts only)</source>
        <translation>Seguimientos: %s, %s (solo cantidades)</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n scheduled</source>
        <translation>
            <numerusform>%n programado</numerusform>
            <numerusform>%n programados</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n done on time</source>
        <translation>
            <numerusform>%n hecho a tiempo</numerusform>
            <numerusform>%n hechos a tiempo</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6" />
        <source>Plus record numbers that let CPD match later updates to this record.</source>
        <translation>Además, números de registro que le permiten a CPD relacionar actualizaciones posteriores con este registro.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Never leaves this laptop:</source>
        <translation>Nunca sale de esta computadora:</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Shared with your team only, never with CPD:</source>
        <translation>Solo se comparte con su equipo, nunca con CPD:</translation>
    </message>
</context>
<context>
    <name>EndDialog</name>
    <message>
        <location filename="../../ui/responses_tab.py" line="+275" />
        <source>End response</source>
        <translation>Terminar respuesta</translation>
    </message>
    <message>
        <location line="+2" />
        <source>End a response</source>
        <translation>Terminar una respuesta</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The %s started at %s is still going. When did it end, and how?</source>
        <translation>%s, que empezó a las %s, sigue en curso. ¿Cuándo terminó y cómo?</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Ended at (Chicago time)</source>
        <translation>Terminó a las (hora de Chicago)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Outcome</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location line="+5" />
        <source>End message</source>
        <translation>Mensaje de fin</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;End response</source>
        <translation>&amp;Terminar respuesta</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Ended &amp;at</source>
        <translation>Terminó &amp;a las</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Outcome</source>
        <translation>&amp;Resultado</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../ui/error_dialog.py" line="+24" />
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <location line="+7" />
        <source>What to do</source>
        <translation>Qué hacer</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+21" />
        <source>Show &amp;details</source>
        <translation>Mostrar &amp;detalles</translation>
    </message>
    <message>
        <location line="-20" />
        <source>Show details</source>
        <translation>Mostrar detalles</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Copy details</source>
        <translation>&amp;Copiar detalles</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy details</source>
        <translation>Copiar detalles</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Hide &amp;details</source>
        <translation>Ocultar &amp;detalles</translation>
    </message>
</context>
<context>
    <name>FactsTab</name>
    <message>
        <location filename="../../ui/facts_tab.py" line="+16" />
        <source>RD number</source>
        <translation>Número RD</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Occurred</source>
        <translation>Ocurrió</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPD notified</source>
        <translation>CPD notificó</translation>
    </message>
    <message>
        <location line="+1" />
        <source>We received</source>
        <translation>Lo recibimos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>District</source>
        <translation>Distrito</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Beat</source>
        <translation>Sector</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Community area</source>
        <translation>Área comunitaria</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Location type</source>
        <translation>Tipo de lugar</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Block</source>
        <translation>Cuadra</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Victims</source>
        <translation>Víctimas</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fatal</source>
        <translation>Mortales</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Non-fatal</source>
        <translation>No mortales</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Age bands</source>
        <translation>Grupos de edad</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <location line="+20" />
        <source>First version</source>
        <translation>Primera versión</translation>
    </message>
    <message>
        <location line="+7" />
        <source>No fact changed</source>
        <translation>No cambió ningún dato</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Incident facts</source>
        <translation>Datos del incidente</translation>
    </message>
    <message>
        <location line="+2" />
        <source>What CPD told us</source>
        <translation>Lo que nos informó CPD</translation>
    </message>
    <message>
        <location line="+12" />
        <location line="+8" />
        <source>Correction history</source>
        <translation>Historial de correcciones</translation>
    </message>
    <message>
        <location line="-5" />
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Recorded</source>
        <translation>Registrado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>By</source>
        <translation>Por</translation>
    </message>
    <message>
        <location line="+1" />
        <source>What changed</source>
        <translation>Qué cambió</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../ui/responses_tab.py" line="+45" />
        <location line="+1" />
        <source>Response history</source>
        <translation>Historial de la respuesta</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Logged</source>
        <translation>Registrada</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Corrected</source>
        <translation>Corregida</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+12" />
        <source>Ended</source>
        <translation>Terminada</translation>
    </message>
    <message>
        <location line="-11" />
        <source>Kept with its author</source>
        <translation>Se queda con su autor</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Moved to the assignee</source>
        <translation>Pasada a la persona asignada</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Change</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <location line="+1" />
        <source>By</source>
        <translation>Por</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Saved</source>
        <translation>Guardado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Outcome</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Versions of the response</source>
        <translation>Versiones de la respuesta</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Now at version %s. Earlier versions made on a teammate's laptop are kept by the hub.</source>
        <translation>Ahora en la versión %s. El hub guarda las versiones anteriores hechas en la computadora de un compañero.</translation>
    </message>
</context>
<context>
    <name>IncidentDetailView</name>
    <message>
        <location filename="../../ui/detail_view.py" line="+55" />
        <source>Incident detail</source>
        <translation>Detalle del incidente</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Choose an incident in the queue to see it here.</source>
        <translation>Elija un incidente de la cola para verlo aquí.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Incident summary</source>
        <translation>Resumen del incidente</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Sync state</source>
        <translation>Estado de sincronización</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Where this incident's records are</source>
        <translation>Dónde están los registros de este incidente</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Assignee</source>
        <translation>Asignado a</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Assi&amp;gn</source>
        <translation>A&amp;signar</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Assign</source>
        <translation>Asignar</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Has iss&amp;ues…</source>
        <translation>Tiene &amp;problemas…</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Responses</source>
        <translation>Respuestas</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPD f&amp;acts</source>
        <translation>&amp;Datos de CPD</translation>
    </message>
    <message>
        <location line="+0" />
        <source>CPD facts</source>
        <translation>Datos de CPD</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Referrals &amp;&amp; f&amp;ollow-ups</source>
        <translation>Remisi&amp;ones &amp;&amp; seguimientos</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Referrals and follow-ups</source>
        <translation>Remisiones y seguimientos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>People and notes</source>
        <translation>Personas y notas</translation>
    </message>
    <message>
        <location line="+1" />
        <source>What CPD will s&amp;ee</source>
        <translation>Lo que &amp;verá CPD</translation>
    </message>
    <message>
        <location line="+0" />
        <source>What CPD will see</source>
        <translation>Lo que verá CPD</translation>
    </message>
    <message>
        <location line="+68" />
        <source>District %s</source>
        <translation>Distrito %s</translation>
    </message>
    <message>
        <location line="+1" />
        <source>RD %s</source>
        <translation>RD %s</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Received %s (%s ago) · %s · beat %s</source>
        <translation>Recibido %s (hace %s) · %s · sector %s</translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%n victim(s)</source>
        <translation>
            <numerusform>%n víctima</numerusform>
            <numerusform>%n víctimas</numerusform>
        </translation>
    </message>
    <message>
        <location line="-107" />
        <location line="+1" />
        <source>Set status</source>
        <translation>Cambiar estado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A&amp;pprove for CPD</source>
        <translation>Apro&amp;bar para CPD</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Approve for CPD</source>
        <translation>Aprobar para CPD</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Review: has issues</source>
        <translation>Revisión: tiene problemas</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+168" />
        <source>Review</source>
        <translation>Revisión</translation>
    </message>
    <message>
        <location line="-157" />
        <source>Incident sections</source>
        <translation>Secciones del incidente</translation>
    </message>
    <message>
        <location line="+8" />
        <source>&amp;Responses</source>
        <translation>&amp;Respuestas</translation>
    </message>
    <message>
        <location line="+3" />
        <source>People &amp;&amp; &amp;notes</source>
        <translation>Personas y &amp;notas</translation>
    </message>
    <message>
        <location line="+87" />
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <location line="+59" />
        <source>What should the worker fix?</source>
        <translation>¿Qué debe corregir el trabajador?</translation>
    </message>
</context>
<context>
    <name>IncidentQueueModel</name>
    <message>
        <location filename="../../ui/queue_columns.py" line="+14" />
        <source>Sync</source>
        <translation>Sincronización</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Open for</source>
        <translation>Abierto hace</translation>
    </message>
    <message>
        <location line="+1" />
        <source>RD number</source>
        <translation>Número RD</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>District</source>
        <translation>Distrito</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Beat</source>
        <translation>Sector</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Victims</source>
        <translation>Víctimas</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Assignee</source>
        <translation>Asignado a</translation>
    </message>
    <message>
        <location filename="../../ui/queue_model.py" line="+39" />
        <source>Saved on this laptop only; nothing of it has been shared yet</source>
        <translation>Guardado solo en esta computadora; todavía no se ha compartido nada</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Saved here and waiting to be shared with your organisation's hub</source>
        <translation>Guardado aquí y en espera de compartirse con el hub de su organización</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Your team's hub has every change; CPD has received nothing for it yet</source>
        <translation>El hub de su equipo tiene todos los cambios; CPD todavía no ha recibido nada</translation>
    </message>
    <message>
        <location line="+3" />
        <source>CPD received the approved record, and your team's hub has every change</source>
        <translation>CPD recibió el registro aprobado, y el hub de su equipo tiene todos los cambios</translation>
    </message>
    <message>
        <location line="+3" />
        <source>A CPD notification that arrived from the hub; nothing has been logged for it yet</source>
        <translation>Una notificación de CPD que llegó del hub; todavía no se ha registrado nada</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The hub refused a change; open the Sync panel to see why</source>
        <translation>El hub rechazó un cambio; abra el panel de sincronización para ver por qué</translation>
    </message>
    <message>
        <location line="+177" />
        <source>How long an open incident has waited since your team was notified</source>
        <translation>Cuánto tiempo lleva esperando un incidente abierto desde que se notificó a su equipo</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Click to sort</source>
        <translation>Haga clic para ordenar</translation>
    </message>
    <message>
        <location line="+39" />
        <source>(none yet)</source>
        <translation>(ninguno todavía)</translation>
    </message>
    <message numerus="yes">
        <location line="+9" />
        <source> (%n fatal)</source>
        <translation>
            <numerusform> (%n mortal)</numerusform>
            <numerusform> (%n mortales)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6" />
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
</context>
<context>
    <name>IncidentQueueView</name>
    <message>
        <location filename="../../ui/queue_view.py" line="+74" />
        <source>Incident queue</source>
        <translation>Cola de incidentes</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Search RD number, block, beat, notes…</source>
        <translation>Buscar número RD, cuadra, sector, notas…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Search incidents</source>
        <translation>Buscar incidentes</translation>
    </message>
    <message>
        <location line="+8" />
        <location line="+29" />
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="-29" />
        <source>Open</source>
        <translation>Abiertos</translation>
    </message>
    <message>
        <location line="+0" />
        <source>All statuses</source>
        <translation>Todos los estados</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+28" />
        <source>District</source>
        <translation>Distrito</translation>
    </message>
    <message>
        <location line="-28" />
        <source>All districts</source>
        <translation>Todos los distritos</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+28" />
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location line="-28" />
        <source>All types</source>
        <translation>Todos los tipos</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+26" />
        <source>Assignee</source>
        <translation>Asignado a</translation>
    </message>
    <message>
        <location line="-25" />
        <source>Anyone</source>
        <translation>Cualquiera</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Me</source>
        <translation>Yo</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+22" />
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <location line="-18" />
        <source>Number of incidents</source>
        <translation>Número de incidentes</translation>
    </message>
    <message>
        <location line="+358" />
        <source>&amp;Open incident</source>
        <translation>&amp;Abrir incidente</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Rea&amp;ssign…</source>
        <translation>Rea&amp;signar…</translation>
    </message>
    <message>
        <location line="-326" />
        <source>Incidents</source>
        <translation>Incidentes</translation>
    </message>
    <message>
        <location line="-80" />
        <source>Any time</source>
        <translation>Cualquier fecha</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last 30 days</source>
        <translation>Últimos 30 días</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last 12 months</source>
        <translation>Últimos 12 meses</translation>
    </message>
    <message>
        <location line="+98" />
        <location line="+81" />
        <source>Loading incidents…</source>
        <translation>Cargando incidentes…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Queue status</source>
        <translation>Estado de la cola</translation>
    </message>
    <message>
        <location line="+1" />
        <source>C&amp;lear filters</source>
        <translation>&amp;Quitar filtros</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Clear filters</source>
        <translation>Quitar filtros</translation>
    </message>
    <message>
        <location line="+134" />
        <source>No incidents match these filters.</source>
        <translation>Ningún incidente coincide con estos filtros.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>No open incidents. New CPD notifications for your districts will appear here.</source>
        <translation>No hay incidentes abiertos. Las nuevas notificaciones de CPD para sus distritos aparecerán aquí.</translation>
    </message>
    <message numerus="yes">
        <location line="+51" />
        <source>%n incident(s)</source>
        <translation>
            <numerusform>%n incidente</numerusform>
            <numerusform>%n incidentes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="+124" />
        <source>Locked</source>
        <translation>Bloqueado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>cvi-desktop is locked</source>
        <translation>cvi-desktop está bloqueado</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Why it is locked</source>
        <translation>Por qué está bloqueado</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+1" />
        <source>PIN or passphrase</source>
        <translation>PIN o frase de contraseña</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+1" />
        <source>Hub token</source>
        <translation>Token del hub</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Unlock</source>
        <translation>&amp;Desbloquear</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Unlock</source>
        <translation>Desbloquear</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Use the hub &amp;token instead</source>
        <translation>Usar el &amp;token del hub</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Unlock with the hub token instead of the PIN</source>
        <translation>Desbloquear con el token del hub en lugar del PIN</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Unlock message</source>
        <translation>Mensaje de desbloqueo</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Demo profile: leave empty and press Unlock</source>
        <translation>Perfil de demostración: déjelo vacío y oprima Desbloquear</translation>
    </message>
    <message>
        <location line="+28" />
        <source>Profile “%s” was locked by hand.</source>
        <translation>El perfil “%s” se bloqueó a mano.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Profile “%s” was locked after a period of inactivity.</source>
        <translation>El perfil “%s” se bloqueó después de un rato sin actividad.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Enter your PIN or passphrase to continue.</source>
        <translation>Escriba su PIN o frase de contraseña para continuar.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Enter your hub token to continue.</source>
        <translation>Escriba su token del hub para continuar.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Your work is saved.</source>
        <translation>Su trabajo está guardado.</translation>
    </message>
    <message>
        <location line="+36" />
        <location line="+34" />
        <source>Too many wrong tries: sign in with your hub token.</source>
        <translation>Demasiados intentos fallidos: inicie sesión con su token del hub.</translation>
    </message>
    <message>
        <location line="-16" />
        <source>The keyring could not be read.</source>
        <translation>No se pudo leer el llavero del sistema.</translation>
    </message>
    <message numerus="yes">
        <location line="+18" />
        <source>That is not the PIN. %n tries left.</source>
        <translation>
            <numerusform>Ese no es el PIN. Queda %n intento.</numerusform>
            <numerusform>Ese no es el PIN. Quedan %n intentos.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5" />
        <source>The PIN could not be checked: use the hub token instead.</source>
        <translation>No se pudo comprobar el PIN: use el token del hub.</translation>
    </message>
    <message>
        <location line="+11" />
        <source>That is not this profile's token.</source>
        <translation>Ese no es el token de este perfil.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="+433" />
        <location line="+2" />
        <source>cvi-desktop — %s</source>
        <translation>cvi-desktop — %s</translation>
    </message>
    <message>
        <location line="-362" />
        <source>cvi-desktop main window</source>
        <translation>Ventana principal de cvi-desktop</translation>
    </message>
    <message>
        <location line="+55" />
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Incident</source>
        <translation>&amp;Incidente</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Team</source>
        <translation>&amp;Equipo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Sync</source>
        <translation>Sincroni&amp;zación</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <location line="+262" />
        <source>&amp;Lock now</source>
        <translation>&amp;Bloquear ahora</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Unlock &amp;PIN…</source>
        <translation>&amp;PIN de desbloqueo…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Recovery &amp;key…</source>
        <translation>&amp;Clave de recuperación…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Settings…</source>
        <translation>C&amp;onfiguración…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Find…</source>
        <translation>&amp;Buscar…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Log a response</source>
        <translation>&amp;Registrar una respuesta</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Queue</source>
        <translation>&amp;Cola</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Refresh</source>
        <translation>&amp;Actualizar</translation>
    </message>
    <message>
        <location line="+2" />
        <source>New &amp;notifications</source>
        <translation>&amp;Notificaciones nuevas</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Notification &amp;sound</source>
        <translation>&amp;Sonido de notificación</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Review queue…</source>
        <translation>Cola de &amp;revisión…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rea&amp;ssign…</source>
        <translation>Rea&amp;signar…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Team &amp;caseload…</source>
        <translation>&amp;Carga de casos del equipo…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Monthly review…</source>
        <translation>Revisión &amp;mensual…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Share now</source>
        <translation>&amp;Compartir ahora</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sync &amp;panel…</source>
        <translation>&amp;Panel de sincronización…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sign &amp;in again…</source>
        <translation>&amp;Iniciar sesión de nuevo…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>Atajos de &amp;teclado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;About cvi-desktop</source>
        <translation>&amp;Acerca de cvi-desktop</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Worker</source>
        <translation>Trabajador</translation>
    </message>
    <message>
        <location line="+138" />
        <source>CPD notifications have stopped</source>
        <translation>Las notificaciones de CPD se detuvieron</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This laptop is no longer signed in to the hub. Sign in again to receive them.</source>
        <translation>Esta computadora ya no tiene la sesión iniciada en el hub. Inicie sesión de nuevo para recibirlas.</translation>
    </message>
    <message>
        <location line="+28" />
        <source>Sign in again — %s</source>
        <translation>Iniciar sesión de nuevo — %s</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Enter your token again (ask your supervisor for a new one if needed).</source>
        <translation>Escriba su token de nuevo (pida uno nuevo a su supervisor si hace falta).</translation>
    </message>
    <message>
        <location line="+59" />
        <source>Restart to apply</source>
        <translation>Reinicie para aplicar</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The new language is saved. Close cvi-desktop and open it again to apply it.</source>
        <translation>El nuevo idioma quedó guardado. Cierre cvi-desktop y ábralo de nuevo para aplicarlo.</translation>
    </message>
    <message>
        <location line="+17" />
        <source>About cvi-desktop</source>
        <translation>Acerca de cvi-desktop</translation>
    </message>
    <message>
        <location line="+1" />
        <source>cvi-desktop — offline-first incident response for street-outreach teams.</source>
        <translation>cvi-desktop — respuesta a incidentes, aun sin conexión, para equipos de alcance comunitario en la calle.</translation>
    </message>
</context>
<context>
    <name>MonthlyReviewDialog</name>
    <message>
        <location filename="../../ui/report_view.py" line="+147" />
        <location line="+1" />
        <source>Monthly review</source>
        <translation>Revisión mensual</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Month</source>
        <translation>Mes</translation>
    </message>
    <message>
        <location line="+10" />
        <source>&amp;Month:</source>
        <translation>&amp;Mes:</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Report title</source>
        <translation>Título del informe</translation>
    </message>
    <message>
        <location line="+4" />
        <source>How the figures are measured</source>
        <translation>Cómo se miden las cifras</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+112" />
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <location line="-110" />
        <source>All districts</source>
        <translation>Todos los distritos</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Monthly review topics</source>
        <translation>Temas de la revisión mensual</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Six-month trend chart</source>
        <translation>Gráfica de la tendencia de seis meses</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Change since last month</source>
        <translation>Cambio desde el mes pasado</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Overview</source>
        <translation>&amp;Resumen</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Figures per district</source>
        <translation>Cifras por distrito</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Coverage by district chart</source>
        <translation>Gráfica de cobertura por distrito</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Districts</source>
        <translation>&amp;Distritos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Latency distribution charts</source>
        <translation>Gráficas de distribución de los tiempos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Latency</source>
        <translation>&amp;Tiempos</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;Responses</source>
        <translation>Respuest&amp;as</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Case&amp;work</source>
        <translation>&amp;Casos</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Export result</source>
        <translation>Resultado de la exportación</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Export &amp;tables (CSV)…</source>
        <translation>Exportar ta&amp;blas (CSV)…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export every table as CSV files in one zip</source>
        <translation>Exportar todas las tablas como archivos CSV en un zip</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export &amp;PDF…</source>
        <translation>Exportar &amp;PDF…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export the review as a PDF for the meeting</source>
        <translation>Exportar la revisión como PDF para la reunión</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Incidents that occurred in the month (Chicago time). Notification: occurrence to this organisation receiving it. Response: receipt to the first scene, hospital or family contact (an attempt that was unsafe, restricted, unstaffed, declined or found no one is not a contact). Times in minutes; p50 is the median and p90 the time nine in ten were within (nearest-rank: both are times that really happened). Under 5 incidents, shares are shown as counts ("2 of 3").</source>
        <translation>Incidentes ocurridos en el mes (hora de Chicago). Notificación: desde que ocurrió hasta que esta organización la recibió. Respuesta: desde que se recibió hasta el primer contacto en la escena, el hospital o con la familia (un intento inseguro, restringido, sin personal, rechazado o en el que no se encontró a nadie no cuenta como contacto). Tiempos en minutos; p50 es la mediana y p90 el tiempo dentro del cual quedaron nueve de cada diez (rango más cercano: ambos son tiempos que ocurrieron de verdad). Con menos de 5 incidentes, las proporciones se muestran como cantidades ("2 de 3").</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Monthly review page</source>
        <translation>Página de la revisión mensual</translation>
    </message>
    <message>
        <location line="+40" />
        <source>Monthly shooting review — %s</source>
        <translation>Revisión mensual de tiroteos — %s</translation>
    </message>
    <message>
        <location line="+48" />
        <source>No incidents occurred in this month.</source>
        <translation>No ocurrieron incidentes en este mes.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>All districts: %s; first contact for %s; median notification %s min, median response %s min.</source>
        <translation>Todos los distritos: %s; primer contacto en %s; mediana de notificación %s min, mediana de respuesta %s min.</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n incident(s)</source>
        <translation>
            <numerusform>%n incidente</numerusform>
            <numerusform>%n incidentes</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6" />
        <source>The review could not be computed.</source>
        <translation>No se pudo calcular la revisión.</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Export tables</source>
        <translation>Exportar tablas</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Zip of CSV files (*.zip)</source>
        <translation>Zip de archivos CSV (*.zip)</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Export PDF</source>
        <translation>Exportar PDF</translation>
    </message>
    <message>
        <location line="+0" />
        <source>PDF files (*.pdf)</source>
        <translation>Archivos PDF (*.pdf)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>This organisation</source>
        <translation>Esta organización</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Saved to %s</source>
        <translation>Guardado en %s</translation>
    </message>
</context>
<context>
    <name>NotificationList</name>
    <message>
        <location filename="../../ui/notification_list.py" line="+52" />
        <source>New CPD notifications</source>
        <translation>Notificaciones nuevas de CPD</translation>
    </message>
    <message>
        <location line="+4" />
        <source>How many notifications are new</source>
        <translation>Cuántas notificaciones son nuevas</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Open incident</source>
        <translation>Abrir incidente</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open the selected notification's incident</source>
        <translation>Abrir el incidente de la notificación seleccionada</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Hide</source>
        <translation>Ocultar</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Hide the notification list</source>
        <translation>Ocultar la lista de notificaciones</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The status bar keeps the count (Ctrl+Shift+N shows the list)</source>
        <translation>La barra de estado conserva la cuenta (Control+Mayúsculas+N muestra la lista)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>New notifications, newest first</source>
        <translation>Notificaciones nuevas, la más reciente primero</translation>
    </message>
    <message>
        <location line="+69" />
        <source>District %s</source>
        <translation>Distrito %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>RD %s</source>
        <translation>RD %s</translation>
    </message>
    <message>
        <location line="+6" />
        <source>received %s</source>
        <translation>recibida %s</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Fatal: </source>
        <translation>Mortal: </translation>
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>%n new CPD notification(s)</source>
        <translation>
            <numerusform>%n notificación nueva de CPD</numerusform>
            <numerusform>%n notificaciones nuevas de CPD</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <location filename="../../ui/notifier.py" line="+128" />
        <source>New CPD notification</source>
        <translation>Nueva notificación de CPD</translation>
    </message>
</context>
<context>
    <name>PeopleTab</name>
    <message>
        <location filename="../../ui/people_tab.py" line="+31" />
        <source>People and notes</source>
        <translation>Personas y notas</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Participants and notes</source>
        <translation>Participantes y notas</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Notes and people are kept only on the laptop where they were written; teammates' notes are not shown here.</source>
        <translation>Las notas y las personas se guardan solo en la computadora donde se escribieron; aquí no se muestran las notas de sus compañeros.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Notes and people stay on their laptop</source>
        <translation>Las notas y las personas se quedan en su computadora</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+8" />
        <source>Participants</source>
        <translation>Participantes</translation>
    </message>
    <message>
        <location line="-5" />
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+18" />
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <location line="-17" />
        <source>Consent</source>
        <translation>Consentimiento</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Yes</source>
        <translation>Sí</translation>
    </message>
    <message>
        <location line="+0" />
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Added</source>
        <translation>Agregado</translation>
    </message>
    <message>
        <location line="+10" />
        <source>First name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Participant first name</source>
        <translation>Nombre del participante</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Last name</source>
        <translation>Apellido</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Participant last name</source>
        <translation>Apellido del participante</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Participant phone</source>
        <translation>Teléfono del participante</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+1" />
        <source>Consent given</source>
        <translation>Dio su consentimiento</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add parti&amp;cipant</source>
        <translation>Agregar parti&amp;cipante</translation>
    </message>
    <message>
        <location line="+26" />
        <source>A&amp;dd note</source>
        <translation>Agregar no&amp;ta</translation>
    </message>
    <message>
        <location line="-25" />
        <source>Add participant</source>
        <translation>Agregar participante</translation>
    </message>
    <message>
        <location line="+8" />
        <location line="+8" />
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <location line="-5" />
        <source>Written</source>
        <translation>Escrita</translation>
    </message>
    <message>
        <location line="+2" />
        <source>By</source>
        <translation>Por</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Write a note (stays on this laptop)…</source>
        <translation>Escriba una nota (se queda en esta computadora)…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>New note, stays on this laptop</source>
        <translation>Nota nueva, se queda en esta computadora</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Add note</source>
        <translation>Agregar nota</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="+24" />
        <source>Unlock PIN</source>
        <translation>PIN de desbloqueo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose an unlock PIN</source>
        <translation>Elija un PIN de desbloqueo</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Choose a PIN or passphrase (at least %d characters) to unlock this laptop after it locks. After %d wrong tries the hub token is needed again.</source>
        <translation>Elija un PIN o una frase de contraseña (de al menos %d caracteres) para desbloquear esta computadora cuando se bloquee. Después de %d intentos fallidos se necesita otra vez el token del hub.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Unlocking with the hub token works, but it is long to type.</source>
        <translation>Se puede desbloquear con el token del hub, pero es largo de escribir.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>New PIN or passphrase</source>
        <translation>PIN o frase de contraseña nueva</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The same again</source>
        <translation>Otra vez lo mismo</translation>
    </message>
    <message>
        <location line="+3" />
        <source>PIN message</source>
        <translation>Mensaje del PIN</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Set PIN</source>
        <translation>&amp;Guardar PIN</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Not now</source>
        <translation>&amp;Ahora no</translation>
    </message>
    <message>
        <location line="+0" />
        <source>&amp;Cancel</source>
        <translation>&amp;Cancelar</translation>
    </message>
    <message>
        <location line="+5" />
        <source>&amp;PIN or passphrase</source>
        <translation>&amp;PIN o frase de contraseña</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Again</source>
        <translation>&amp;Otra vez</translation>
    </message>
    <message>
        <location line="+21" />
        <source>The two do not match. Type the same PIN twice.</source>
        <translation>No coinciden. Escriba el mismo PIN dos veces.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Use at least %d characters, with no space at either end.</source>
        <translation>Use al menos %d caracteres, sin espacios al principio ni al final.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The PIN could not be saved.</source>
        <translation>No se pudo guardar el PIN.</translation>
    </message>
</context>
<context>
    <name>RecoverDialog</name>
    <message>
        <location filename="../../ui/recovery_dialog.py" line="+250" />
        <source>Recover profile — %s</source>
        <translation>Recuperar el perfil — %s</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Recover profile</source>
        <translation>Recuperar el perfil</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&lt;b&gt;The system keyring has no working key for profile “%s”.&lt;/b&gt; This happens after a reinstall or a keyring reset. The records are still on this laptop, encrypted. Type the recovery key you wrote down when the profile was made to open them again; a new key then goes into the keyring.</source>
        <translation>&lt;b&gt;El llavero del sistema no tiene una clave que funcione para el perfil “%s”.&lt;/b&gt; Esto pasa después de reinstalar el sistema o restablecer el llavero. Los registros siguen en esta computadora, cifrados. Escriba la clave de recuperación que anotó cuando se creó el perfil para abrirlos de nuevo; luego se guarda una clave nueva en el llavero.</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Recovery key</source>
        <translation>Clave de recuperación</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Capital letters, spaces and dashes do not matter.</source>
        <translation>No importan las mayúsculas, los espacios ni los guiones.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Recovery message</source>
        <translation>Mensaje de recuperación</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Recover</source>
        <translation>&amp;Recuperar</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Recovery &amp;key</source>
        <translation>&amp;Clave de recuperación</translation>
    </message>
    <message>
        <location line="+25" />
        <source>Checking the recovery key and re-keying the database…</source>
        <translation>Comprobando la clave de recuperación y cambiando la clave de la base de datos…</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Not recovered</source>
        <translation>No se recuperó</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <location line="-240" />
        <source>Recovery key — %s</source>
        <translation>Clave de recuperación — %s</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+50" />
        <source>Recovery key</source>
        <translation>Clave de recuperación</translation>
    </message>
    <message>
        <location line="-43" />
        <source>To see the recovery key of profile “%s” again, enter the hub token you sign in with. The key unlocks every record on this laptop, so it is shown only to the person signed in.</source>
        <translation>Para volver a ver la clave de recuperación del perfil “%s”, escriba el token del hub con el que inicia sesión. La clave abre todos los registros de esta computadora, así que solo se le muestra a la persona que inició sesión.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Hub token</source>
        <translation>Token del hub</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Token check message</source>
        <translation>Mensaje de la comprobación del token</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Show the recovery key</source>
        <translation>&amp;Mostrar la clave de recuperación</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Hub &amp;token</source>
        <translation>&amp;Token del hub</translation>
    </message>
    <message>
        <location line="+16" />
        <source>&lt;b&gt;Write this recovery key down and keep it somewhere safe, away from this laptop.&lt;/b&gt; If the system keyring is ever lost (a reinstall, a reset, a new user account), it is the only way to open the records of profile “%s” again: they exist nowhere else. Anyone with this key and this laptop's files can read them, so do not photograph it or send it by message.</source>
        <translation>&lt;b&gt;Anote esta clave de recuperación y guárdela en un lugar seguro, lejos de esta computadora.&lt;/b&gt; Si alguna vez se pierde el llavero del sistema (una reinstalación, un restablecimiento, una cuenta de usuario nueva), es la única manera de volver a abrir los registros del perfil “%s”: no existen en ningún otro lugar. Cualquiera que tenga esta clave y los archivos de esta computadora puede leerlos, así que no le tome foto ni la mande por mensaje.</translation>
    </message>
    <message>
        <location line="+16" />
        <source>To use it: start cvi-desktop and choose this profile; when it says the keyring has no key, type this recovery key. Or run &lt;code&gt;cvi-desktop recover --profile %s&lt;/code&gt;.</source>
        <translation>Para usarla: abra cvi-desktop y elija este perfil; cuando diga que el llavero no tiene clave, escriba esta clave de recuperación. O ejecute &lt;code&gt;cvi-desktop recover --profile %s&lt;/code&gt;.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>I have &amp;written down the recovery key</source>
        <translation>Ya &amp;anoté la clave de recuperación</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Done</source>
        <translation>&amp;Listo</translation>
    </message>
    <message>
        <location line="+44" />
        <source>Enter your hub token.</source>
        <translation>Escriba su token del hub.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>This profile has no sign-in to check.</source>
        <translation>Este perfil no tiene un inicio de sesión que comprobar.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The keyring could not be read.</source>
        <translation>No se pudo leer el llavero del sistema.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>This profile is not signed in, so there is nothing to check the token against. Sign in first, then ask again.</source>
        <translation>Este perfil no tiene la sesión iniciada, así que no hay con qué comprobar el token. Primero inicie sesión y luego vuelva a pedirla.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>That is not this profile's hub token.</source>
        <translation>Ese no es el token del hub de este perfil.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Reading the recovery key…</source>
        <translation>Leyendo la clave de recuperación…</translation>
    </message>
    <message>
        <location line="+11" />
        <source>The keyring has no recovery key for this profile.</source>
        <translation>El llavero no tiene una clave de recuperación para este perfil.</translation>
    </message>
</context>
<context>
    <name>ResponseForm</name>
    <message>
        <location filename="../../ui/response_form.py" line="+73" />
        <source>Chicago time</source>
        <translation>Hora de Chicago</translation>
    </message>
    <message>
        <location line="+13" />
        <source>same as the latest response here</source>
        <translation>igual que la última respuesta aquí</translation>
    </message>
    <message>
        <location line="+2" />
        <source>suggested: someone was injured</source>
        <translation>sugerido: alguien resultó herido</translation>
    </message>
    <message>
        <location line="+2" />
        <source>suggested: a fatal incident</source>
        <translation>sugerido: un incidente mortal</translation>
    </message>
    <message>
        <location line="+1" />
        <source>suggested: a new incident</source>
        <translation>sugerido: un incidente nuevo</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Log a response action</source>
        <translation>Registrar una acción de respuesta</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Action type</source>
        <translation>Tipo de acción</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Why this action type is suggested</source>
        <translation>Por qué se sugiere este tipo de acción</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Started at (Chicago time)</source>
        <translation>Empezó a las (hora de Chicago)</translation>
    </message>
    <message>
        <location line="+4" />
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location line="+1" />
        <source>still going</source>
        <translation>sigue en curso</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Duration in minutes</source>
        <translation>Duración en minutos</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Staff on this action</source>
        <translation>Personal en esta acción</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Outcome</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Ongoing (set when it ends)</source>
        <translation>En curso (se indica al terminar)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Mediation result</source>
        <translation>Resultado de la mediación</translation>
    </message>
    <message>
        <location line="+1" />
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Retaliation risk</source>
        <translation>Riesgo de represalia</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Not assessed</source>
        <translation>Sin evaluar</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Why? (stays on this laptop)</source>
        <translation>¿Por qué? (se queda en esta computadora)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Basis for the risk level, stays on this laptop</source>
        <translation>En qué se basa el nivel de riesgo; se queda en esta computadora</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Save on this laptop (Ctrl+Enter from any field)</source>
        <translation>Guardar en esta computadora (Control+Intro desde cualquier campo)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Cancel correction (Esc)</source>
        <translation>Cancelar la corrección (Escape)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancel correction</source>
        <translation>Cancelar la corrección</translation>
    </message>
    <message>
        <location line="+11" />
        <source>T&amp;ype</source>
        <translation>&amp;Tipo</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Started / duration</source>
        <translation>Inicio / duración</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Outco&amp;me</source>
        <translation>Resu&amp;ltado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Mediation</source>
        <translation>Mediación</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Risk</source>
        <translation>Riesgo</translation>
    </message>
    <message>
        <location line="+58" />
        <source>Sa&amp;ve correction</source>
        <translation>&amp;Guardar corrección</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sa&amp;ve action</source>
        <translation>&amp;Guardar acción</translation>
    </message>
    <message>
        <location line="+49" />
        <source>Loading the incident…</source>
        <translation>Cargando el incidente…</translation>
    </message>
    <message>
        <location line="+41" />
        <source>Save correction</source>
        <translation>Guardar corrección</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Correcting the %s of %s. Only the fields you change are sent.</source>
        <translation>Corrigiendo %s de %s. Solo se envían los campos que cambie.</translation>
    </message>
    <message>
        <location line="-181" />
        <location line="+199" />
        <source>Save action</source>
        <translation>Guardar acción</translation>
    </message>
    <message>
        <location line="-190" />
        <source>Form message</source>
        <translation>Mensaje del formulario</translation>
    </message>
    <message>
        <location line="+226" />
        <location line="+18" />
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <location line="-4" />
        <source>Nothing changed: change a field, or cancel the correction.</source>
        <translation>No cambió nada: cambie un campo o cancele la corrección.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Correction saved on this laptop.</source>
        <translation>Corrección guardada en esta computadora.</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Saved on this laptop.</source>
        <translation>Guardado en esta computadora.</translation>
    </message>
</context>
<context>
    <name>ResponsesTab</name>
    <message>
        <location filename="../../ui/responses_tab.py" line="-299" />
        <source>Responses</source>
        <translation>Respuestas</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Log a response</source>
        <translation>Registrar una respuesta</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Flagged response</source>
        <translation>Respuesta señalada</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Keep with its author</source>
        <translation>De&amp;jarla con su autor</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keep the response with its author</source>
        <translation>Dejar la respuesta con su autor</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Move the follow-through to the new assignee</source>
        <translation>Pasar el seguimiento a la nueva persona asignada</translation>
    </message>
    <message>
        <location line="+9" />
        <location line="+36" />
        <source>Response log</source>
        <translation>Registro de respuestas</translation>
    </message>
    <message>
        <location line="-32" />
        <source>Why the selected response is read-only</source>
        <translation>Por qué la respuesta seleccionada es de solo lectura</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Correct…</source>
        <translation>&amp;Corregir…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Correct the selected response</source>
        <translation>Corregir la respuesta seleccionada</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Load the selected response into the form to correct it (Enter on the row)</source>
        <translation>Cargar la respuesta seleccionada en el formulario para corregirla (Intro en la fila)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>En&amp;d…</source>
        <translation>Ter&amp;minar…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>End the selected response</source>
        <translation>Terminar la respuesta seleccionada</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Give a response that is still going its end time and outcome</source>
        <translation>Indicar la hora de fin y el resultado de una respuesta que sigue en curso</translation>
    </message>
    <message>
        <location line="+1" />
        <source>History…</source>
        <translation>Historial…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>History of the selected response</source>
        <translation>Historial de la respuesta seleccionada</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Every version of the selected response</source>
        <translation>Todas las versiones de la respuesta seleccionada</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Started</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Outcome</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Recorded by</source>
        <translation>Registrado por</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Ended</source>
        <translation>Terminada</translation>
    </message>
    <message>
        <location line="+0" />
        <source>still going</source>
        <translation>sigue en curso</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Risk</source>
        <translation>Riesgo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Mediation</source>
        <translation>Mediación</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <location line="+47" />
        <source>a teammate</source>
        <translation>un compañero de equipo</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Read-only: recorded by %s on their laptop; they or a supervisor can correct it.</source>
        <translation>Solo lectura: la registró %s en su computadora; esa persona o un supervisor pueden corregirla.</translation>
    </message>
    <message>
        <location line="+34" />
        <source>nobody</source>
        <translation>nadie</translation>
    </message>
    <message>
        <location line="+9" />
        <source>&lt;b&gt;Logged after the incident was reassigned:&lt;/b&gt; %s at %s, recorded by %s.</source>
        <translation>&lt;b&gt;Registrada después de que se reasignó el incidente:&lt;/b&gt; %s a las %s, registrada por %s.</translation>
    </message>
    <message numerus="yes">
        <location line="+6" />
        <source>(%n more below.)</source>
        <translation>
            <numerusform>(%n más abajo.)</numerusform>
            <numerusform>(%n más abajo.)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3" />
        <source>A supervisor decides who follows through.</source>
        <translation>Un supervisor decide quién da seguimiento.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Move to %s</source>
        <translation>Pasar a %s</translation>
    </message>
</context>
<context>
    <name>ReviewQueueDialog</name>
    <message>
        <location filename="../../ui/review_queue.py" line="+111" />
        <location line="+1" />
        <location line="+131" />
        <source>Review queue</source>
        <translation>Cola de revisión</translation>
    </message>
    <message>
        <location line="-129" />
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Review queue summary</source>
        <translation>Resumen de la cola de revisión</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Waiting</source>
        <translation>En espera</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Why</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>RD number</source>
        <translation>Número RD</translation>
    </message>
    <message>
        <location line="+1" />
        <source>District</source>
        <translation>Distrito</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Assigned to</source>
        <translation>Asignado a</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Incidents waiting for review</source>
        <translation>Incidentes en espera de revisión</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Enter opens the incident · Ctrl+R reassigns · right-click for more</source>
        <translation>Intro abre el incidente · Control+R lo reasigna · clic derecho para más</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+2" />
        <location line="+169" />
        <source>Nothing is waiting for review.</source>
        <translation>No hay nada en espera de revisión.</translation>
    </message>
    <message>
        <location line="-165" />
        <source>What an approval will include</source>
        <translation>Lo que incluirá una aprobación</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Review state</source>
        <translation>Estado de la revisión</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Record</source>
        <translation>Registro</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Recorded by</source>
        <translation>Registrado por</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Recorded</source>
        <translation>Registrado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Records an approval will include</source>
        <translation>Registros que incluirá una aprobación</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Records not yet synced</source>
        <translation>Registros todavía sin sincronizar</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Show what CPD will &amp;get</source>
        <translation>Mostrar lo que &amp;recibirá CPD</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show the exact record CPD will get</source>
        <translation>Mostrar el registro exacto que recibirá CPD</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The exact record CPD will get</source>
        <translation>El registro exacto que recibirá CPD</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Comment to the worker</source>
        <translation>&amp;Comentario para el trabajador</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Comment to the worker</source>
        <translation>Comentario para el trabajador</translation>
    </message>
    <message>
        <location line="+1" />
        <source>What should be fixed? (required for Has issues and Reject)</source>
        <translation>¿Qué hay que corregir? (obligatorio para Tiene problemas y Rechazar)</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+254" />
        <source>A comment is required for Has issues and Reject.</source>
        <translation>Se necesita un comentario para Tiene problemas y Rechazar.</translation>
    </message>
    <message>
        <location line="-252" />
        <source>Review message</source>
        <translation>Mensaje de la revisión</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+331" />
        <source>&amp;Approve</source>
        <translation>&amp;Aprobar</translation>
    </message>
    <message>
        <location line="-330" />
        <source>Approve for CPD</source>
        <translation>Aprobar para CPD</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Approve these records for CPD (Alt+A)</source>
        <translation>Aprobar estos registros para CPD (Alt+A)</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+329" />
        <source>&amp;Has issues</source>
        <translation>Tiene &amp;problemas</translation>
    </message>
    <message>
        <location line="-328" />
        <source>Has issues</source>
        <translation>Tiene problemas</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Send back to the worker with your comment (Alt+H)</source>
        <translation>Devolver al trabajador con su comentario (Alt+P)</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+327" />
        <source>Re&amp;ject</source>
        <translation>Rec&amp;hazar</translation>
    </message>
    <message>
        <location line="-326" />
        <source>Reject</source>
        <translation>Rechazar</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reject: nothing goes to CPD (Alt+J)</source>
        <translation>Rechazar: no se envía nada a CPD (Alt+H)</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Decision</source>
        <translation>Decisión</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Waiting for review</source>
        <translation>En espera de revisión</translation>
    </message>
    <message>
        <location line="+10" />
        <location line="+275" />
        <source>&amp;Open incident</source>
        <translation>Abrir &amp;incidente</translation>
    </message>
    <message>
        <location line="-274" />
        <source>Open the selected incident</source>
        <translation>Abrir el incidente seleccionado</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+275" />
        <source>Rea&amp;ssign…</source>
        <translation>Rea&amp;signar…</translation>
    </message>
    <message>
        <location line="-274" />
        <source>Reassign the selected incident</source>
        <translation>Reasignar el incidente seleccionado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reassign (Ctrl+R)</source>
        <translation>Reasignar (Control+R)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Refresh</source>
        <translation>Ac&amp;tualizar</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Refresh the review queue</source>
        <translation>Actualizar la cola de revisión</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message numerus="yes">
        <location line="+59" />
        <source>%n incident(s) waiting</source>
        <translation>
            <numerusform>%n incidente en espera</numerusform>
            <numerusform>%n incidentes en espera</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2" />
        <source>the oldest for %s</source>
        <translation>el más antiguo desde hace %s</translation>
    </message>
    <message>
        <location line="+27" />
        <source>The review queue could not be loaded.</source>
        <translation>No se pudo cargar la cola de revisión.</translation>
    </message>
    <message numerus="yes">
        <location line="+54" />
        <source>%n record(s) not yet synced</source>
        <translation>
            <numerusform>%n registro todavía sin sincronizar</numerusform>
            <numerusform>%n registros todavía sin sincronizar</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3" />
        <source>an approval covers only the records listed above; share first or review again later.</source>
        <translation>una aprobación cubre solo los registros de arriba; comparta primero o revise de nuevo más tarde.</translation>
    </message>
    <message>
        <location line="+15" />
        <source>waiting %s</source>
        <translation>en espera desde hace %s</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <location line="+40" />
        <source>Write a comment first: the worker needs to know what to fix.</source>
        <translation>Escriba primero un comentario: el trabajador necesita saber qué corregir.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Write a comment first: say why the record is rejected.</source>
        <translation>Escriba primero un comentario: diga por qué se rechaza el registro.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="+29" />
        <source>Settings</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+2" />
        <source>English</source>
        <translation>Inglés (English)</translation>
    </message>
    <message>
        <location line="-2" />
        <location line="+4" />
        <source>Spanish (Español)</source>
        <translation>Español</translation>
    </message>
    <message>
        <location line="-3" />
        <source>As the system (%s)</source>
        <translation>Como el sistema (%s)</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Language:</source>
        <translation>&amp;Idioma:</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Restart to apply: close cvi-desktop and open it again to see it in the new language.</source>
        <translation>Reinicie para aplicar: cierre cvi-desktop y ábralo de nuevo para verlo en el nuevo idioma.</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="../../ui/shortcuts.py" line="+39" />
        <location line="+5" />
        <location line="+5" />
        <source>Anywhere</source>
        <translation>En cualquier lugar</translation>
    </message>
    <message>
        <location line="-9" />
        <source>Tab / Shift+Tab</source>
        <translation>Tabulador / Mayúsculas+Tabulador</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Next / previous area or field</source>
        <translation>Área o campo siguiente / anterior</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Alt+underlined letter</source>
        <translation>Alt+letra subrayada</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open that menu, or go to that field, tab or button</source>
        <translation>Abrir ese menú, o ir a ese campo, pestaña o botón</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Enter or Space</source>
        <translation>Intro o Espacio</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Press the focused button</source>
        <translation>Oprimir el botón seleccionado</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+5" />
        <source>Notifications</source>
        <translation>Notificaciones</translation>
    </message>
    <message>
        <location line="-4" />
        <source>Ctrl+Shift+N, then Enter</source>
        <translation>Control+Mayúsculas+N y luego Intro</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open the newest new notification's incident</source>
        <translation>Abrir el incidente de la notificación nueva más reciente</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Up / Down</source>
        <translation>Arriba / Abajo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose another new notification</source>
        <translation>Elegir otra notificación nueva</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+5" />
        <location line="+5" />
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <location line="-9" />
        <source>Up / Down, Page Up / Page Down</source>
        <translation>Arriba / Abajo, Re Pág / Av Pág</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Move between incidents (opens the one you reach)</source>
        <translation>Moverse entre incidentes (abre el que alcance)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Home / End</source>
        <translation>Inicio / Fin</translation>
    </message>
    <message>
        <location line="+1" />
        <source>First / last incident</source>
        <translation>Primer / último incidente</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+20" />
        <location line="+10" />
        <location line="+5" />
        <source>Enter</source>
        <translation>Intro</translation>
    </message>
    <message>
        <location line="-34" />
        <source>Open the incident</source>
        <translation>Abrir el incidente</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+5" />
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <location line="-4" />
        <source>Ctrl+Tab / Ctrl+Shift+Tab</source>
        <translation>Control+Tabulador / Control+Mayúsculas+Tabulador</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Next / previous section tab (from inside the tabs)</source>
        <translation>Pestaña de sección siguiente / anterior (desde dentro de las pestañas)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Ctrl+Page Down / Ctrl+Page Up</source>
        <translation>Control+Av Pág / Control+Re Pág</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The same, as in other programs</source>
        <translation>Lo mismo, como en otros programas</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+5" />
        <location line="+5" />
        <source>Response form</source>
        <translation>Formulario de respuesta</translation>
    </message>
    <message>
        <location line="-9" />
        <source>Ctrl+Enter</source>
        <translation>Control+Intro</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save the response, from any field</source>
        <translation>Guardar la respuesta, desde cualquier campo</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Save (in the risk basis field, or on the Save button)</source>
        <translation>Guardar (en el campo del motivo del riesgo, o en el botón Guardar)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Esc</source>
        <translation>Escape</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancel a correction</source>
        <translation>Cancelar una corrección</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Response log</source>
        <translation>Registro de respuestas</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Correct the selected response</source>
        <translation>Corregir la respuesta seleccionada</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Lock screen</source>
        <translation>Pantalla de bloqueo</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Unlock with the PIN or passphrase typed</source>
        <translation>Desbloquear con el PIN o la frase de contraseña escritos</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location line="+31" />
        <location line="+1" />
        <source>Keyboard shortcuts</source>
        <translation>Atajos de teclado</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Every menu entry shows its shortcut in the menu too. Logging a response to a new notification: Ctrl+Shift+N, Enter, Ctrl+L, check the type, Ctrl+Enter.</source>
        <translation>Cada opción de menú también muestra su atajo en el menú. Para registrar una respuesta a una notificación nueva: Control+Mayúsculas+N, Intro, Control+L, revise el tipo, Control+Intro.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Shortcuts</source>
        <translation>Atajos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Where</source>
        <translation>Dónde</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Keys</source>
        <translation>Teclas</translation>
    </message>
    <message>
        <location line="+0" />
        <source>What it does</source>
        <translation>Qué hace</translation>
    </message>
</context>
<context>
    <name>SignInBanner</name>
    <message>
        <location filename="../../ui/notifier.py" line="+33" />
        <source>Sign-in needed</source>
        <translation>Hace falta iniciar sesión</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&lt;b&gt;CPD notifications have stopped:&lt;/b&gt; the hub no longer accepts this laptop's sign-in. Your work stays saved here.</source>
        <translation>&lt;b&gt;Las notificaciones de CPD se detuvieron:&lt;/b&gt; el hub ya no acepta el inicio de sesión de esta computadora. Su trabajo sigue guardado aquí.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Another copy of the app on this profile may have replaced the sign-in, or it expired.</source>
        <translation>Puede que otra copia de la aplicación en este perfil haya reemplazado el inicio de sesión, o que haya vencido.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Why notifications stopped</source>
        <translation>Por qué se detuvieron las notificaciones</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sign in…</source>
        <translation>Iniciar sesión…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sign in to the hub again</source>
        <translation>Iniciar sesión en el hub de nuevo</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="+68" />
        <source>Sign in — cvi-desktop</source>
        <translation>Iniciar sesión — cvi-desktop</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+27" />
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <location line="-14" />
        <source>Profile</source>
        <translation>Perfil</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Hub address</source>
        <translation>Dirección del hub</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Hub token</source>
        <translation>Token del hub</translation>
    </message>
    <message>
        <location line="-17" />
        <source>Sign in with the hub address and the token your supervisor gave you. Each person on a shared laptop has their own profile. Your name and role come from the hub with your token.</source>
        <translation>Inicie sesión con la dirección del hub y el token que le dio su supervisor. Cada persona en una computadora compartida tiene su propio perfil. Su nombre y su función vienen del hub con su token.</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Sign-in message</source>
        <translation>Mensaje de inicio de sesión</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Sign in</source>
        <translation>&amp;Iniciar sesión</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Try the &amp;demo</source>
        <translation>Probar la &amp;demostración</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Try the demo</source>
        <translation>Probar la demostración</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+1" />
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Profile</source>
        <translation>&amp;Perfil</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Hub &amp;address</source>
        <translation>&amp;Dirección del hub</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Token</source>
        <translation>&amp;Token</translation>
    </message>
    <message>
        <location line="+39" />
        <source>Choose a profile name: letters, digits, dot, dash or underscore.</source>
        <translation>Elija un nombre de perfil: letras, números, punto, guion o guion bajo.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Enter the hub address and your token.</source>
        <translation>Escriba la dirección del hub y su token.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Checking with the hub…</source>
        <translation>Comprobando con el hub…</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Signed in.</source>
        <translation>Sesión iniciada.</translation>
    </message>
</context>
<context>
    <name>StaffPicker</name>
    <message>
        <location filename="../../ui/staff_picker.py" line="+39" />
        <source>RD %s</source>
        <translation>RD %s</translation>
    </message>
    <message>
        <location line="+1" />
        <source>this incident</source>
        <translation>este incidente</translation>
    </message>
    <message>
        <location line="+21" />
        <location line="+23" />
        <source>Reassign</source>
        <translation>Reasignar</translation>
    </message>
    <message>
        <location line="-22" />
        <source>Reassign incident</source>
        <translation>Reasignar incidente</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Who should follow through on %s?</source>
        <translation>¿Quién debe dar seguimiento a %s?</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Type a name…</source>
        <translation>Escriba un nombre…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Filter staff</source>
        <translation>Filtrar personal</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Active staff</source>
        <translation>Personal activo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%s (assigned now)</source>
        <translation>%s (asignado ahora)</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&amp;Reassign</source>
        <translation>&amp;Reasignar</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../ui/status_bar.py" line="+72" />
        <source>Sign-in needed — CPD notifications have stopped</source>
        <translation>Hace falta iniciar sesión — las notificaciones de CPD se detuvieron</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <location line="+4" />
        <location line="+10" />
        <source>%n waiting to share</source>
        <translation>
            <numerusform>%n en espera de compartirse</numerusform>
            <numerusform>%n en espera de compartirse</numerusform>
        </translation>
    </message>
    <message>
        <location line="-12" />
        <source>Sharing stopped — %s</source>
        <translation>Se dejó de compartir — %s</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Sharing %d/%d</source>
        <translation>Compartiendo %d/%d</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Offline</source>
        <translation>Sin conexión</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%s — retrying now…</source>
        <translation>%s — reintentando ahora…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%s — retrying at %s</source>
        <translation>%s — se reintentará a las %s</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Sharing paused — %s</source>
        <translation>Compartir en pausa — %s</translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>Saved on this laptop · %n waiting to share</source>
        <translation>
            <numerusform>Guardado en esta computadora · %n en espera de compartirse</numerusform>
            <numerusform>Guardado en esta computadora · %n en espera de compartirse</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2" />
        <source>Shared with your team %s</source>
        <translation>Compartido con su equipo %s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Saved on this laptop</source>
        <translation>Guardado en esta computadora</translation>
    </message>
    <message>
        <location line="+3" />
        <source>(not signed in)</source>
        <translation>(sin sesión iniciada)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>connecting to the hub…</source>
        <translation>conectando con el hub…</translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n need(s) attention</source>
        <translation>
            <numerusform>%n requiere atención</numerusform>
            <numerusform>%n requieren atención</numerusform>
        </translation>
    </message>
    <message>
        <location line="+33" />
        <source>Sync status</source>
        <translation>Estado de sincronización</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open the Sync panel (Ctrl+Shift+S)</source>
        <translation>Abrir el panel de sincronización (Control+Mayúsculas+S)</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Signed in as</source>
        <translation>Sesión iniciada como</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Demo data</source>
        <translation>Datos de demostración</translation>
    </message>
    <message>
        <location line="+2" />
        <source>This is demo data, not real incidents</source>
        <translation>Estos son datos de demostración, no incidentes reales</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Everything here is made up for practice; nothing reaches CPD</source>
        <translation>Todo aquí es inventado para practicar; nada le llega a CPD</translation>
    </message>
    <message>
        <location line="+10" />
        <source>New CPD notifications</source>
        <translation>Notificaciones nuevas de CPD</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Show the new notifications (Ctrl+Shift+N)</source>
        <translation>Mostrar las notificaciones nuevas (Control+Mayúsculas+N)</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+1" />
        <source>Share now</source>
        <translation>Compartir ahora</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Send waiting records to the hub now</source>
        <translation>Enviar ahora al hub los registros en espera</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Worker</source>
        <translation>Trabajador</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%s · not yet confirmed by the hub</source>
        <translation>%s · todavía sin confirmar por el hub</translation>
    </message>
    <message numerus="yes">
        <location line="+12" />
        <source>%n new notification(s)</source>
        <translation>
            <numerusform>%n notificación nueva</numerusform>
            <numerusform>%n notificaciones nuevas</numerusform>
        </translation>
    </message>
    <message>
        <location line="+105" />
        <source>a problem with this laptop's storage</source>
        <translation>un problema con el almacenamiento de esta computadora</translation>
    </message>
</context>
<context>
    <name>SyncBridge</name>
    <message>
        <location filename="../../ui/sync_bridge.py" line="+178" />
        <source>Not signed in to a hub</source>
        <translation>Sin sesión iniciada en un hub</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sign in to a hub to share your work.</source>
        <translation>Inicie sesión en un hub para compartir su trabajo.</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="+70" />
        <source>Sync</source>
        <translation>Sincronización</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sync panel</source>
        <translation>Panel de sincronización</translation>
    </message>
    <message>
        <location line="+9" />
        <source>&lt;b&gt;Sign-in needed.&lt;/b&gt; The hub no longer accepts this laptop's sign-in, so CPD notifications have stopped and nothing is shared. Everything below stays saved.</source>
        <translation>&lt;b&gt;Hace falta iniciar sesión.&lt;/b&gt; El hub ya no acepta el inicio de sesión de esta computadora, así que las notificaciones de CPD se detuvieron y no se comparte nada. Todo lo de abajo sigue guardado.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Sign &amp;in…</source>
        <translation>&amp;Iniciar sesión…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sign in to the hub again</source>
        <translation>Iniciar sesión en el hub de nuevo</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Sync summary</source>
        <translation>Resumen de sincronización</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+14" />
        <source>Record</source>
        <translation>Registro</translation>
    </message>
    <message>
        <location line="-13" />
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Hub's reason</source>
        <translation>Motivo del hub</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Saved</source>
        <translation>Guardado</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Records that need attention</source>
        <translation>Registros que requieren atención</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Retry</source>
        <translation>&amp;Reintentar</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Retry the selected record</source>
        <translation>Reintentar el registro seleccionado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Edit…</source>
        <translation>&amp;Editar…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open the selected record's incident to edit it</source>
        <translation>Abrir el incidente del registro seleccionado para editarlo</translation>
    </message>
    <message>
        <location line="+6" />
        <source>For</source>
        <translation>Para</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPD</source>
        <translation>CPD</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Your organisation</source>
        <translation>Su organización</translation>
    </message>
    <message>
        <location line="+2" />
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tries</source>
        <translation>Intentos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Next try</source>
        <translation>Próximo intento</translation>
    </message>
    <message>
        <location line="+0" />
        <source>next sync</source>
        <translation>próxima sincronización</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last problem</source>
        <translation>Último problema</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Records waiting to be shared</source>
        <translation>Registros en espera de compartirse</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&amp;Share now</source>
        <translation>&amp;Compartir ahora</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Share now</source>
        <translation>Compartir ahora</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Needs attention</source>
        <translation>Requiere atención</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Waiting to share</source>
        <translation>En espera de compartirse</translation>
    </message>
    <message>
        <location line="+27" />
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message numerus="yes">
        <location line="+4" />
        <source>%n waiting to share</source>
        <translation>
            <numerusform>%n en espera de compartirse</numerusform>
            <numerusform>%n en espera de compartirse</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n need(s) attention</source>
        <translation>
            <numerusform>%n requiere atención</numerusform>
            <numerusform>%n requieren atención</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n shared</source>
        <translation>
            <numerusform>%n compartido</numerusform>
            <numerusform>%n compartidos</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4" />
        <source>(last %s)</source>
        <translation>(último: %s)</translation>
    </message>
</context>
<context>
    <name>TeamCaseload</name>
    <message>
        <location filename="../../ui/team_view.py" line="+91" />
        <source>%d min</source>
        <translation>%d min</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%d h %02d min</source>
        <translation>%d h %02d min</translation>
    </message>
</context>
<context>
    <name>TeamCaseloadDialog</name>
    <message>
        <location line="+44" />
        <location line="+1" />
        <location line="+78" />
        <source>Team caseload</source>
        <translation>Carga de casos del equipo</translation>
    </message>
    <message>
        <location line="-76" />
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Team summary</source>
        <translation>Resumen del equipo</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Staff member</source>
        <translation>Miembro del personal</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Role</source>
        <translation>Función</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open</source>
        <translation>Abiertos</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Due in 7 days</source>
        <translation>Vencen en 7 días</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Overdue</source>
        <translation>Vencido</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Median response, this month</source>
        <translation>Mediana de respuesta (mes)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Laptop last synced</source>
        <translation>Última sincronización</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Caseload per staff member</source>
        <translation>Carga de casos por miembro del personal</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Select someone to see their open incidents below</source>
        <translation>Seleccione a alguien para ver abajo sus incidentes abiertos</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+190" />
        <source>Open incidents</source>
        <translation>Incidentes abiertos</translation>
    </message>
    <message>
        <location line="-187" />
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Since</source>
        <translation>Desde</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+18" />
        <source>RD number</source>
        <translation>Número RD</translation>
    </message>
    <message>
        <location line="-17" />
        <location line="+18" />
        <source>District</source>
        <translation>Distrito</translation>
    </message>
    <message>
        <location line="-17" />
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The selected staff member's open incidents</source>
        <translation>Los incidentes abiertos del miembro del personal seleccionado</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Enter opens the incident · Ctrl+R reassigns · right-click for more</source>
        <translation>Intro abre el incidente · Control+R lo reasigna · clic derecho para más</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Was due</source>
        <translation>Vencía</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Overdue by</source>
        <translation>Vencido hace</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Assigned to</source>
        <translation>Asignado a</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+34" />
        <source>Overdue follow-ups</source>
        <translation>Seguimientos vencidos</translation>
    </message>
    <message>
        <location line="-26" />
        <source>Double-click or press Enter to open the incident</source>
        <translation>Haga doble clic u oprima Intro para abrir el incidente</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+2" />
        <source>No follow-ups are overdue.</source>
        <translation>No hay seguimientos vencidos.</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+250" />
        <source>&amp;Open incident</source>
        <translation>Abrir &amp;incidente</translation>
    </message>
    <message>
        <location line="-249" />
        <source>Open the selected incident</source>
        <translation>Abrir el incidente seleccionado</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+249" />
        <source>Rea&amp;ssign…</source>
        <translation>Rea&amp;signar…</translation>
    </message>
    <message>
        <location line="-248" />
        <source>Reassign the selected incident</source>
        <translation>Reasignar el incidente seleccionado</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reassign (Ctrl+R)</source>
        <translation>Reasignar (Control+R)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Refresh</source>
        <translation>Ac&amp;tualizar</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Refresh the team caseload</source>
        <translation>Actualizar la carga de casos del equipo</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Caseload</source>
        <translation>Carga de casos</translation>
    </message>
    <message>
        <location line="+41" />
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Worker</source>
        <translation>Trabajador</translation>
    </message>
    <message numerus="yes">
        <location line="+30" />
        <source>%n staff</source>
        <translation>
            <numerusform>%n miembro del personal</numerusform>
            <numerusform>%n miembros del personal</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n open incident(s)</source>
        <translation>
            <numerusform>%n incidente abierto</numerusform>
            <numerusform>%n incidentes abiertos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n follow-up(s) overdue</source>
        <translation>
            <numerusform>%n seguimiento vencido</numerusform>
            <numerusform>%n seguimientos vencidos</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1" />
        <source>as of %s</source>
        <translation>al %s</translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%n unassigned</source>
        <translation>
            <numerusform>%n sin asignar</numerusform>
            <numerusform>%n sin asignar</numerusform>
        </translation>
    </message>
    <message>
        <location line="+30" />
        <location line="+62" />
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <location line="-39" />
        <source>Open incidents no one is assigned to</source>
        <translation>Incidentes abiertos que no tienen a nadie asignado</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open incidents of %s</source>
        <translation>Incidentes abiertos de %s</translation>
    </message>
    <message>
        <location line="+9" />
        <source>The team caseload could not be loaded.</source>
        <translation>No se pudo cargar la carga de casos del equipo.</translation>
    </message>
    <message>
        <location line="+13" />
        <source>%s (inactive)</source>
        <translation>%s (inactivo)</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/errors.py" line="+94" />
        <source>Please check “%s”</source>
        <translation>Revise “%s”</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Nothing was saved. Correct it and save again.</source>
        <translation>No se guardó nada. Corríjalo y guarde de nuevo.</translation>
    </message>
    <message>
        <location line="+11" />
        <source>No secure keyring</source>
        <translation>No hay un llavero seguro</translation>
    </message>
    <message>
        <location line="+2" />
        <source>This profile needs a newer cvi-desktop</source>
        <translation>Este perfil necesita una versión más nueva de cvi-desktop</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Someone changed this record meanwhile</source>
        <translation>Alguien cambió este registro mientras tanto</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Your copy was refreshed. Look at the new version and make your change again.</source>
        <translation>Su copia se actualizó. Revise la versión nueva y haga su cambio otra vez.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Record not found</source>
        <translation>No se encontró el registro</translation>
    </message>
    <message>
        <location line="+1" />
        <source>It may belong to another profile. Refresh the list and try again.</source>
        <translation>Puede que pertenezca a otro perfil. Actualice la lista e intente de nuevo.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Sign-in needed</source>
        <translation>Hace falta iniciar sesión</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Your hub token was refused. Sign in again with a new token from your supervisor. Nothing on this laptop was lost.</source>
        <translation>El hub rechazó su token. Inicie sesión de nuevo con un token nuevo de su supervisor. No se perdió nada de esta computadora.</translation>
    </message>
    <message>
        <location line="+18" />
        <source>The hub cannot be reached</source>
        <translation>No se puede conectar con el hub</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Your work is saved on this laptop and will be shared when the hub is reachable. Check the network, or the hub address in Sign in.</source>
        <translation>Su trabajo está guardado en esta computadora y se compartirá cuando se pueda conectar con el hub. Revise la red o la dirección del hub en Iniciar sesión.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>That did not work</source>
        <translation>Eso no funcionó</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Something went wrong</source>
        <translation>Algo salió mal</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Your saved work is safe. Try again; if it keeps happening, copy the details and send them to your supervisor.</source>
        <translation>Su trabajo guardado está a salvo. Intente de nuevo; si sigue pasando, copie los detalles y envíeselos a su supervisor.</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <location filename="../../ui/labels.py" line="+62" />
        <source>%d d %d h</source>
        <translation>%d d %d h</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%d h %02d min</source>
        <translation>%d h %02d min</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%d min</source>
        <translation>%d min</translation>
    </message>
    <message>
        <location line="+32" />
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <location line="+3" />
        <source>just now</source>
        <translation>ahora mismo</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%d min ago</source>
        <translation>hace %d min</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%d h ago</source>
        <translation>hace %d h</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%d d ago</source>
        <translation>hace %d d</translation>
    </message>
    <message>
        <location line="+11" />
        <source>You</source>
        <translation>Usted</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%s (teammate)</source>
        <translation>%s (compañero de equipo)</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Not reviewed yet. CPD receives nothing until a supervisor approves.</source>
        <translation>Todavía sin revisar. CPD no recibe nada hasta que un supervisor lo apruebe.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Waiting for a supervisor's review. CPD receives nothing until it is approved.</source>
        <translation>En espera de la revisión de un supervisor. CPD no recibe nada hasta que se apruebe.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Changed since approval — review again. CPD has only what was approved.</source>
        <translation>Cambió desde que se aprobó — revíselo de nuevo. CPD tiene solo lo que se aprobó.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Approved by %s %s</source>
        <translation>Aprobado por %s %s</translation>
    </message>
</context>
<context>
    <name>widgets</name>
    <message>
        <location filename="../../ui/widgets.py" line="+74" />
        <source>&lt;b&gt;Private.&lt;/b&gt; %s stay on this laptop. They are never sent to the hub or to CPD.</source>
        <translation>&lt;b&gt;Privado.&lt;/b&gt; %s se quedan en esta computadora. Nunca se envían al hub ni a CPD.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Privacy notice</source>
        <translation>Aviso de privacidad</translation>
    </message>
</context>
</TS>
