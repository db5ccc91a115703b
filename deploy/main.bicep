// Rally on Azure: an Azure Bot with the Teams channel and calling switched on, Rally itself as a Container App with
// at least two replicas, a Blob Storage container all replicas share for Rally's state, a Key Vault for the bot's
// client secret and one user-assigned managed identity that pulls the image, reads the vault, reads and writes the
// blobs and (with botAppType UserAssignedMSI) is the bot itself.
// deploy/README.md has the whole runbook; the container image must already be in `registryName` (az acr build).

targetScope = 'resourceGroup'

@description('Azure region for everything but the bot registration, which is global.')
param location string = resourceGroup().location

@description('Prefix for resource names; the Container App is called exactly this (lowercase letters, digits, hyphens).')
@minLength(2)
@maxLength(20)
param namePrefix string = 'rally'

@description('SingleTenant: an Entra app registration with a client secret (botAppId, botAppPassword). UserAssignedMSI: the managed identity made here is the bot.')
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
])
param botAppType string = 'SingleTenant'

@description('SingleTenant only: the app registration\'s application (client) id.')
param botAppId string = ''

@description('SingleTenant only: a client secret of that app registration. It goes into Key Vault and nowhere else.')
@secure()
param botAppPassword string = ''

@description('Name of an existing Azure Container Registry in this resource group that holds Rally\'s image.')
param registryName string

@description('The image to run, e.g. myregistry.azurecr.io/rally:0.1.0.')
param containerImage string

@description('The name Rally shows in Teams and uses for itself in Graph requests.')
param botDisplayName string = 'Rally'

@description('Azure Bot pricing tier; the Teams channel is a standard channel, free on F0.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Graph root including version (another cloud\'s Graph for national clouds).')
param graphBaseUrl string = 'https://graph.microsoft.com/v1.0'

@description('Object id of the resource account (application instance) that owns Rally\'s phone number; empty turns PSTN off.')
param pstnApplicationInstanceId string = ''

@description('Display name of that resource account.')
param pstnApplicationInstanceName string = ''

@description('The Blob container Rally keeps its state in (RALLY_BLOB_CONTAINER): 3-63 lower-case letters, digits and single hyphens.')
@minLength(3)
@maxLength(63)
param blobContainerName string = 'rally'

@description('Replicas that always run: two or more, so a restart or a crash of one never leaves Graph callbacks unanswered.')
@minValue(2)
param minReplicas int = 2

@description('Replicas at most; Container Apps adds them above minReplicas as HTTP traffic grows (its default HTTP scale rule).')
@minValue(2)
param maxReplicas int = 4

@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
])
param logLevel string = 'info'

var suffix = uniqueString(resourceGroup().id)
var usesManagedIdentity = botAppType == 'UserAssignedMSI'
// Rally's default port (src/config/settings.ts) and the Dockerfile's EXPOSE.
var port = 3978
var appPasswordSecretName = 'microsoft-app-password'
var roles = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

// ---------------------------------------------------------------- identity, image, secrets

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
}

var appId = usesManagedIdentity ? identity.properties.clientId : botAppId

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, roles.acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  // Key Vault names have at most 24 characters.
  name: take('${namePrefix}-${suffix}', 24)
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource appPassword 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!usesManagedIdentity) {
  parent: vault
  name: appPasswordSecretName
  properties: {
    value: botAppPassword
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- state

// Rally's state: one blob per record in one container that every replica shares (RALLY_STORE=blob). Rally signs in
// with the managed identity, never with an account key, so shared-key access is off: nothing in this template needs
// the account's keys any more (the Azure Files share it used to mount did).
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(toLower('${replace(namePrefix, '-', '')}${suffix}'), 24)
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource blobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: blobContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Read, write and delete blobs, and create the container, which Rally does at startup when it is missing. Scoped to
// the account, which holds nothing but Rally's container.
resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The account's blob endpoint is https://<account>.blob.<storage suffix>/; Rally wants it without the final slash.
var blobEndpoint = storage.properties.primaryEndpoints.blob
var storageAccountUrl = endsWith(blobEndpoint, '/') ? substring(blobEndpoint, 0, length(blobEndpoint) - 1) : blobEndpoint

// ---------------------------------------------------------------- hosting

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// The app's host name is known before the app exists, so the bot, the calling webhook and BOT_PUBLIC_URL agree.
var host = '${namePrefix}.${appEnvironment.properties.defaultDomain}'
var publicUrl = 'https://${host}'

// Rally's settings (src/config/settings.ts). The bot password reaches Rally as a Key Vault reference.
var containerSettings = [
  { name: 'PORT', value: string(port) }
  { name: 'BOT_PUBLIC_URL', value: publicUrl }
  { name: 'BOT_DISPLAY_NAME', value: botDisplayName }
  { name: 'MicrosoftAppId', value: appId }
  { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
  { name: 'MicrosoftAppType', value: botAppType }
  { name: 'GRAPH_BASE_URL', value: graphBaseUrl }
  { name: 'GRAPH_TOKEN_AUTHORITY', value: environment().authentication.loginEndpoint }
  { name: 'LOG_LEVEL', value: logLevel }
]
// The shared store (src/config/storeSettings.ts). The app has only the user-assigned identity, whatever botAppType
// is, so Rally is told its client id: with none it would ask for a system-assigned identity the app does not have.
var storeSettings = [
  { name: 'RALLY_STORE', value: 'blob' }
  { name: 'AZURE_STORAGE_ACCOUNT_URL', value: storageAccountUrl }
  { name: 'RALLY_BLOB_CONTAINER', value: blobContainerName }
  { name: 'STORAGE_MANAGED_IDENTITY_CLIENT_ID', value: identity.properties.clientId }
]
var secretSettings = [
  { name: 'GRAPH_CREDENTIAL', value: 'secret' }
  { name: 'MicrosoftAppPassword', secretRef: appPasswordSecretName }
]
var managedIdentitySettings = [
  { name: 'GRAPH_CREDENTIAL', value: 'managedIdentity' }
  { name: 'MANAGED_IDENTITY_CLIENT_ID', value: identity.properties.clientId }
]
var pstnSettings = [
  { name: 'PSTN_APPLICATION_INSTANCE_ID', value: pstnApplicationInstanceId }
  { name: 'PSTN_APPLICATION_INSTANCE_NAME', value: pstnApplicationInstanceName }
]
// A Key Vault reference: the container app never holds the secret's value in its own configuration.
var keyVaultSecrets = [
  {
    name: appPasswordSecretName
    keyVaultUrl: '${vault.properties.vaultUri}secrets/${appPasswordSecretName}'
    identity: identity.id
  }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: namePrefix
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: appEnvironment.id
    configuration: {
      // Single revision mode still overlaps: an update starts the new revision's replicas next to the old ones and
      // moves traffic once they are ready, so for a while two versions run against the same container, as replicas do
      // all the time. That is safe by construction: every write is conditional (create-if-absent, or replace/delete
      // only if the eTag read is still current), so no instance overwrites another's change unseen, and durable jobs
      // are claimed with a lease by compare-and-swap, so a job is run by one instance at a time and a job whose
      // replica was stopped mid-way is taken over when its lease lapses. There is no lock to hand over between them.
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registry.properties.loginServer
          identity: identity.id
        }
      ]
      secrets: usesManagedIdentity ? [] : keyVaultSecrets
    }
    template: {
      containers: [
        {
          name: 'rally'
          image: containerImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(containerSettings, storeSettings, usesManagedIdentity ? managedIdentitySettings : secretSettings, empty(pstnApplicationInstanceId) ? [] : pstnSettings)
          // Liveness asks only whether the process answers; readiness whether it can read and write its store (a blob
          // written and deleted), so a replica that cannot reach Blob Storage gets no traffic but is not restarted.
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 30
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: port
              }
              periodSeconds: 10
              // A write and a delete in Blob Storage, with a token from the identity endpoint on the first one.
              timeoutSeconds: 5
            }
          ]
        }
      ]
      // Never fewer than two: Graph and Teams call back at any time, and any replica can answer any of them because
      // they all share one Blob container (see activeRevisionsMode above for why several writers are safe).
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
  dependsOn: [
    acrPull
    secretsUser
    appPassword
    blobContainer
    blobDataContributor
  ]
}

// ---------------------------------------------------------------- bot

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${namePrefix}-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: '${publicUrl}/api/messages'
    msaAppId: appId
    msaAppType: botAppType
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: usesManagedIdentity ? identity.id : null
  }
}

// Calling must be switched on in the Teams channel, with the webhook Graph's calling platform posts to.
resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: true
      callingWebhook: '${publicUrl}/api/calling'
    }
  }
}

// ---------------------------------------------------------------- outputs (no secrets)

output botPublicUrl string = publicUrl
output messagingEndpoint string = bot.properties.endpoint
output callingWebhook string = '${publicUrl}/api/calling'
output microsoftAppId string = appId
output botName string = bot.name
output containerAppName string = app.name
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output blobContainerName string = blobContainer.name
output managedIdentityClientId string = identity.properties.clientId
output managedIdentityPrincipalId string = identity.properties.principalId
